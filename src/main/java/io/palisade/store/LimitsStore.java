package io.palisade.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code limits} JSON of keys, users and teams (null = none). Kept apart from the identity
 * stores so admission settings change without touching identities. Thread-safe.
 */
public final class LimitsStore {
    /** Which table a scope lives in. */
    public enum Scope {
        KEY("api_keys"),
        USER("users"),
        TEAM("teams");

        private final String table;

        Scope(String table) {
            this.table = table;
        }
    }

    private final Database database;

    public LimitsStore(Database database) {
        this.database = database;
    }

    /** Sets (or with null, clears) the limits of one scope; false if no such row. */
    public boolean set(Scope scope, String id, String limitsJson) {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("UPDATE " + scope.table + " SET limits = ? WHERE id = ?")) {
            statement.setString(1, limitsJson);
            statement.setString(2, id);
            return statement.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot store limits: " + e.getMessage(), e);
        }
    }

    /** The limits JSON of one scope, null when none (or no such row). */
    public String of(Scope scope, String id) {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT limits FROM " + scope.table + " WHERE id = ?")) {
            statement.setString(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read limits: " + e.getMessage(), e);
        }
    }

    /** Every scope of that kind that has limits: id → JSON. */
    public Map<String, String> all(Scope scope) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT id, limits FROM " + scope.table + " WHERE limits IS NOT NULL");
                ResultSet rows = statement.executeQuery()) {
            Map<String, String> limits = new HashMap<>();
            while (rows.next()) {
                limits.put(rows.getString(1), rows.getString(2));
            }
            return limits;
        } catch (SQLException e) {
            throw new StoreException("cannot read limits: " + e.getMessage(), e);
        }
    }
}
