package io.palisade.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * A fresh SQLite connection per call, with the pragmas Palisade relies on. WAL lets admin reads
 * proceed while the audit writer commits; {@code synchronous=FULL} makes a committed audit record
 * survive power loss, not only a crash; the busy timeout lets a second writer on the same file
 * (another process, or a second {@link Database}) wait for the write lock instead of failing.
 * Thread-safe: nothing is shared between calls.
 */
final class SqliteConnections implements Connections {
    private final String jdbcUrl;

    SqliteConnections(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    @Override
    public Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(jdbcUrl);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("PRAGMA synchronous = FULL");
            statement.execute("PRAGMA foreign_keys = ON");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    @Override
    public FluentConfiguration migrations(FluentConfiguration flyway) {
        return flyway.dataSource(jdbcUrl, null, null);
    }

    @Override
    public void close() {
        // Nothing is held open between calls.
    }
}
