package io.palisade.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * The embedded SQLite store: opens connections with the pragmas Palisade relies on and runs the
 * Flyway migrations once at start. WAL lets admin reads proceed while the audit writer commits;
 * {@code synchronous=FULL} makes a committed audit record survive power loss, not only a crash.
 * Thread-safe: every caller gets its own connection.
 */
public final class Database {
    private final String jdbcUrl;

    private Database(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    /** Opens (creating the file and its folder if needed) and migrates the store named by {@code url}. */
    public static Database open(String url) {
        String path = url.startsWith("jdbc:sqlite:") ? url.substring("jdbc:sqlite:".length()) : url.substring("sqlite:".length());
        Path file = Path.of(path).toAbsolutePath();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the folder for the store at " + file.getParent() + ": " + e.getMessage(), e);
        }
        Database database = new Database("jdbc:sqlite:" + file);
        database.migrate();
        return database;
    }

    /** Opens an existing store without creating it: for forensics on a store that must exist. */
    public static Database openExisting(String url) {
        String path = url.startsWith("jdbc:sqlite:") ? url.substring("jdbc:sqlite:".length()) : url.substring("sqlite:".length());
        if (!Files.isRegularFile(Path.of(path))) {
            throw new StoreException("no store at " + Path.of(path).toAbsolutePath());
        }
        return open(url);
    }

    public Connection connect() {
        try {
            Connection connection = DriverManager.getConnection(jdbcUrl);
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout = 10000");
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute("PRAGMA synchronous = FULL");
                statement.execute("PRAGMA foreign_keys = ON");
            }
            return connection;
        } catch (SQLException e) {
            throw new StoreException("cannot open the store: " + e.getMessage(), e);
        }
    }

    private void migrate() {
        try (Connection ignored = connect()) {
            Flyway.configure()
                    .dataSource(jdbcUrl, null, null)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (SQLException | RuntimeException e) {
            throw new StoreException("cannot migrate the store: " + e.getMessage(), e);
        }
    }
}
