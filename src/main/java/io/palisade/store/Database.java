package io.palisade.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;

/**
 * The store named by {@code store.url}: embedded SQLite (a connection per call, see
 * {@link SqliteConnections}) or PostgreSQL (a pool, see {@link PostgresConnections}). Runs the
 * dialect's Flyway migrations once when opened. Store classes write SQL both dialects understand
 * and ask {@link #dialect()} only where they must differ. Thread-safe: every caller gets its own
 * connection. {@link #close()} releases the pool; close it when the process is done with the store.
 */
public final class Database implements AutoCloseable {
    private final Dialect dialect;
    private final Connections connections;
    /**
     * SQLite allows one writer at a time. Writers in this process (the audit writer, the usage
     * recorder) take turns here, where the next one is woken the moment the lock is free, instead
     * of colliding inside SQLite, whose busy handler sleeps 1 to 100 ms between retries; those
     * sleeps were the audit's commit latency under load. Other processes on the same file still
     * meet SQLite's own lock and busy timeout.
     */
    private final ReentrantLock sqliteWriteLock = new ReentrantLock();

    /** Work done inside one write transaction; see {@link #writing}. */
    @FunctionalInterface
    public interface WriteWork<T> {
        T run() throws SQLException;
    }

    private Database(Dialect dialect, Connections connections) {
        this.dialect = dialect;
        this.connections = connections;
    }

    /** Opens and migrates the store named by {@code url}; a SQLite file and its folder are created if needed. */
    public static Database open(String url) {
        return open(parse(url));
    }

    /** Opens a store that must already exist (for forensics): a missing SQLite file is an error, not a new store. */
    public static Database openExisting(String url) {
        StoreUrl storeUrl = parse(url);
        if (storeUrl.kind() == Dialect.SQLITE && !Files.isRegularFile(storeUrl.file())) {
            throw new StoreException("no store at " + storeUrl.file());
        }
        return open(storeUrl);
    }

    public static Database open(StoreUrl url) {
        Connections connections;
        if (url.kind() == Dialect.SQLITE) {
            createPrivateStore(url.file());
            connections = new SqliteConnections(url.jdbcUrl());
        } else {
            try {
                connections = new PostgresConnections(url);
            } catch (RuntimeException e) {
                throw new StoreException("cannot connect to the store at " + url + ": " + e.getMessage(), e);
            }
        }
        Database database = new Database(url.kind(), connections);
        try {
            database.migrate();
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    public Dialect dialect() {
        return dialect;
    }

    /**
     * Runs {@code work}, a whole write transaction (begin to commit or rollback), as this process's
     * only SQLite writer at that moment. On PostgreSQL it just runs it: the server handles concurrent
     * writers without sleeping.
     */
    public <T> T writing(WriteWork<T> work) throws SQLException {
        if (dialect != Dialect.SQLITE) {
            return work.run();
        }
        sqliteWriteLock.lock();
        try {
            return work.run();
        } finally {
            sqliteWriteLock.unlock();
        }
    }

    public Connection connect() {
        try {
            return connections.connect();
        } catch (SQLException e) {
            throw new StoreException("cannot open the store: " + e.getMessage(), e);
        }
    }

    /**
     * After personal data was erased (docs/security.md, "Erasing a user"): on SQLite, rewrites the
     * file ({@code VACUUM}: no freed page or stale cell keeps the erased bytes) and empties the
     * write-ahead log into it ({@code wal_checkpoint(TRUNCATE)}: old frames held them too). Holds
     * the write lock meanwhile (writers wait; seconds per GB). Returns false when SQLite could not
     * empty the log (a reader still used it) and on PostgreSQL, whose dead row versions and WAL are
     * reclaimed by its own (auto)vacuum and WAL recycling.
     */
    public boolean scrubFreedSpace() {
        if (dialect != Dialect.SQLITE) {
            return false;
        }
        try (Connection connection = connect();
                java.sql.Statement statement = connection.createStatement()) {
            return writing(() -> {
                statement.execute("VACUUM");
                try (java.sql.ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    // busy, log frames, frames checkpointed: complete when not busy.
                    return result.next() && result.getInt(1) == 0;
                }
            });
        } catch (SQLException e) {
            throw new StoreException("cannot compact the store: " + e.getMessage(), e);
        }
    }

    /** Releases the store's pool (PostgreSQL); a no-op for SQLite. Idempotent. */
    @Override
    public void close() {
        connections.close();
    }

    // "try": the connection is opened for its side effect (see below) and never used in the body.
    @SuppressWarnings("try")
    private void migrate() {
        // For SQLite, one connection through connect() first sets the file's persistent WAL mode.
        try (Connection ignored = connect()) {
            connections
                    .migrations(Flyway.configure())
                    .locations(dialect.migrations())
                    .load()
                    .migrate();
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("cannot migrate the store: " + e.getMessage(), e);
        }
    }

    private static StoreUrl parse(String url) {
        try {
            return StoreUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new StoreException("store URL: " + e.getMessage(), e);
        }
    }

    /**
     * The store's folder (when created here) is 0700 and its file 0600, created so before SQLite
     * opens it: SQLite gives its -wal and -shm files the database file's permissions, so they are
     * 0600 too. A store left readable by others (an earlier version made it 0644) is restricted.
     */
    private static void createPrivateStore(Path file) {
        try {
            if (file.getParent() != null) {
                PrivateFiles.createFolder(file.getParent());
            }
        } catch (IOException e) {
            throw new StoreException(
                    "cannot create the folder for the store at " + file.getParent() + ": " + e.getMessage(), e);
        }
        try {
            PrivateFiles.createFile(file);
        } catch (IOException e) {
            throw new StoreException("cannot create the store at " + file + ": " + e.getMessage(), e);
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            PrivateFiles.restrictToOwner(Path.of(file + suffix));
        }
    }
}
