package io.palisade.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes a store look as if a newer release had migrated it: one successful row above every
 * migration this build contains, in Flyway's own history table, the way a later release's Flyway
 * would have written it.
 */
public final class FutureMigration {
    private FutureMigration() {}

    /** Records migration {@code version} (an integer above this build's newest) as applied to the store at {@code url}. */
    public static void applyTo(String url, int version) throws SQLException {
        StoreUrl parsed = StoreUrl.parse(url);
        try (Connection connection = DriverManager.getConnection(parsed.jdbcUrl(), parsed.user(), parsed.password());
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO flyway_schema_history"
                    + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)"
                    + " SELECT MAX(installed_rank) + 1, '" + version + "', 'from a newer release', 'SQL', 'V" + version
                    + "__from_a_newer_release.sql', 0, 'palisade', 1, TRUE FROM flyway_schema_history");
        }
    }
}
