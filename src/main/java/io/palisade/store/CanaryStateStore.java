package io.palisade.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each canary stands, shared by every replica: a row per canary that was promoted or rolled
 * back; no row means active. Thread-safe.
 */
public final class CanaryStateStore {
    /** One canary's phase and who set it, when and why. */
    public record Row(
            String model, String deployment, String phase, String reason, Instant changedAt, String changedBy) {}

    private final Database database;

    public CanaryStateStore(Database database) {
        this.database = database;
    }

    public List<Row> all() {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT model, deployment, phase, reason, changed_at, changed_by FROM canary_states ORDER BY model, deployment");
                ResultSet rows = statement.executeQuery()) {
            List<Row> result = new ArrayList<>();
            while (rows.next()) {
                result.add(new Row(
                        rows.getString(1),
                        rows.getString(2),
                        rows.getString(3),
                        rows.getString(4),
                        Columns.instant(rows.getString(5)),
                        rows.getString(6)));
            }
            return result;
        } catch (SQLException e) {
            throw new StoreException("cannot read canary states: " + e.getMessage(), e);
        }
    }

    public void set(Row row) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO canary_states (model, deployment, phase, reason, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?)"
                                + " ON CONFLICT (model, deployment) DO UPDATE SET phase = excluded.phase, reason = excluded.reason,"
                                + " changed_at = excluded.changed_at, changed_by = excluded.changed_by")) {
            statement.setString(1, row.model());
            statement.setString(2, row.deployment());
            statement.setString(3, row.phase());
            statement.setString(4, row.reason());
            statement.setString(5, Columns.instant(row.changedAt()));
            statement.setString(6, row.changedBy());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot store the canary state: " + e.getMessage(), e);
        }
    }

    /** Makes the canary active again (its row goes). */
    public void clear(String model, String deployment) {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("DELETE FROM canary_states WHERE model = ? AND deployment = ?")) {
            statement.setString(1, model);
            statement.setString(2, deployment);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot clear the canary state: " + e.getMessage(), e);
        }
    }
}
