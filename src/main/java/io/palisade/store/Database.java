package io.palisade.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;

/**
 * The store named by {@code store.url}: embedded SQLite (a connection per call, see
 * {@link SqliteConnections}) or PostgreSQL (a pool, see {@link PostgresConnections}). Runs the
 * dialect's Flyway migrations once when opened, and refuses to open a store migrated past this
 * release's newest migration ({@link SchemaStatus}). Store classes write SQL both dialects understand
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

    /**
     * Opens an existing store as it is, without migrating it: a backup's copy, or a store a
     * restore is about to replace, must not change. Read only what its {@link #schema()} holds.
     */
    public static Database openAsIs(String url) {
        StoreUrl storeUrl = parse(url);
        if (storeUrl.kind() == Dialect.SQLITE && !Files.isRegularFile(storeUrl.file())) {
            throw new StoreException("no store at " + storeUrl.file());
        }
        return new Database(storeUrl.kind(), connections(storeUrl));
    }

    public static Database open(StoreUrl url) {
        if (url.kind() == Dialect.SQLITE) {
            createPrivateStore(url.file());
        }
        Connections connections = connections(url);
        Database database = new Database(url.kind(), connections);
        try {
            database.migrate();
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return database;
    }

    /** The store's schema against this release's migrations (read from Flyway's history; changes nothing). */
    public SchemaStatus schema() {
        try {
            return SchemaStatus.of(flyway(connections, dialect).info());
        } catch (RuntimeException e) {
            throw new StoreException("cannot read the store's schema version: " + e.getMessage(), e);
        }
    }

    /**
     * Where the existing store named by {@code url} stands against this release's migrations, read
     * without migrating or otherwise changing it (so an older release can be asked before it runs on
     * a store a newer one migrated). A missing SQLite file is an error, not a new store.
     */
    public static SchemaStatus schemaStatus(String url) {
        try (Database database = openAsIs(url)) {
            return database.schema();
        }
    }

    private static Connections connections(StoreUrl url) {
        if (url.kind() == Dialect.SQLITE) {
            return new SqliteConnections(url.jdbcUrl());
        }
        try {
            return new PostgresConnections(url);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to the store at " + url + ": " + e.getMessage(), e);
        }
    }

    private static Flyway flyway(Connections connections, Dialect dialect) {
        return connections
                .migrations(Flyway.configure())
                .locations(dialect.migrations())
                .load();
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
     * Writes a consistent copy of this SQLite store to {@code target}, which must not exist, and
     * forces it to disk. VACUUM INTO reads the store in one read transaction, so the copy is the
     * store as of one commit; in WAL mode writers, here or in another process, carry on meanwhile
     * (docs/decisions.md, "D1"). The copy is compacted and in rollback-journal mode.
     */
    public void copyInto(Path target) {
        if (dialect != Dialect.SQLITE) {
            throw new StoreException("only a SQLite store can be copied as a file");
        }
        try (Connection connection = connect();
                PreparedStatement statement = connection.prepareStatement("VACUUM INTO ?")) {
            statement.setString(1, target.toString());
            statement.execute();
        } catch (SQLException e) {
            throw new StoreException("cannot copy the store to " + target + ": " + e.getMessage(), e);
        }
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            throw new StoreException("cannot write the copy of the store to " + target + ": " + e.getMessage(), e);
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
        SchemaStatus status;
        try (Connection ignored = connect()) {
            Flyway flyway = flyway(connections, dialect);
            status = SchemaStatus.of(flyway.info());
            // Flyway's default ignores applied migrations it does not know ("*:future"), so without
            // this an older release would run on a store a newer one migrated, misreading its data.
            if (status.compatible()) {
                flyway.migrate();
            }
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("cannot migrate the store: " + e.getMessage(), e);
        }
        if (!status.compatible()) {
            throw new StoreException(status.refusal());
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
