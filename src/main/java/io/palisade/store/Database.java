package io.palisade.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
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
            createFolder(url.file());
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

    public Connection connect() {
        try {
            return connections.connect();
        } catch (SQLException e) {
            throw new StoreException("cannot open the store: " + e.getMessage(), e);
        }
    }

    /** Releases the store's pool (PostgreSQL); a no-op for SQLite. Idempotent. */
    @Override
    public void close() {
        connections.close();
    }

    private void migrate() {
        // For SQLite, one connection through connect() first sets the file's persistent WAL mode.
        try (Connection ignored = connect()) {
            connections.migrations(Flyway.configure())
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

    private static void createFolder(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the folder for the store at " + file.getParent() + ": " + e.getMessage(), e);
        }
    }
}
