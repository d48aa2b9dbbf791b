package io.palisade.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One number that every identity or limits change increments. Replicas poll it (one tiny read)
 * and reload their in-memory key registry when it moved: that is how a key revoked through one
 * replica is refused by the others. Thread-safe.
 */
public final class IdentityVersionStore {
    private final Database database;

    public IdentityVersionStore(Database database) {
        this.database = database;
    }

    public void bump() {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("UPDATE identity_version SET version = version + 1 WHERE id = 1")) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot record an identity change: " + e.getMessage(), e);
        }
    }

    public long read() {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT version FROM identity_version WHERE id = 1");
                ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        } catch (SQLException e) {
            throw new StoreException("cannot read the identity version: " + e.getMessage(), e);
        }
    }
}
