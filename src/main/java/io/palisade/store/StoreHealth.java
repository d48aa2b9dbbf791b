package io.palisade.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store takes writes right now: a no-op update in a real transaction, run with the
 * health probes. A full disk or a read-only file shows here before a request finds it.
 * Thread-safe.
 */
public final class StoreHealth {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

    private final Database database;
    private volatile boolean writable = true;

    public StoreHealth(Database database) {
        this.database = database;
    }

    public void check() {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("UPDATE identity_version SET version = version WHERE id = 1")) {
            statement.executeUpdate();
            writable = true;
        } catch (SQLException | RuntimeException e) {
            if (writable) {
                LOG.error("the store does not take writes: {}", e.getMessage());
            }
            writable = false;
        }
    }

    public boolean writable() {
        return writable;
    }
}
