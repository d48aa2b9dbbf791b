package io.palisade.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Serving processes on this store: each start registers one, beats its heartbeat while it runs,
 * and marks it ended on a clean stop. An instance that never ended and stopped beating died with
 * requests possibly in flight; one surviving or restarted process claims it and charges them
 * (io.palisade.admission.AbandonedReservations). Thread-safe.
 */
public final class InstanceStore {
    /** An instance that may have died: its last heartbeat and its watermark (see V9__instances.sql). */
    public record Instance(String id, long heartbeatMillis, long watermarkSeq) {}

    private final Database database;

    public InstanceStore(Database database) {
        this.database = database;
    }

    public void register(String id, long nowMillis, long watermarkSeq) {
        update(
                "INSERT INTO palisade_instances (id, started_millis, heartbeat_millis, watermark_seq) VALUES (?, ?, ?, ?)",
                id,
                nowMillis,
                nowMillis,
                watermarkSeq);
    }

    public boolean heartbeat(String id, long nowMillis, long watermarkSeq) {
        // Not over an instance already ended: one taken for dead (and charged) must hear of it.
        return update(
                        "UPDATE palisade_instances SET heartbeat_millis = ?, watermark_seq = ? WHERE id = ? AND ended_millis IS NULL",
                        nowMillis,
                        watermarkSeq,
                        id)
                == 1;
    }

    /** A clean stop: nothing of this instance is left in flight. */
    public void ended(String id, long nowMillis) {
        update("UPDATE palisade_instances SET ended_millis = ? WHERE id = ? AND ended_millis IS NULL", nowMillis, id);
    }

    /**
     * Instances other than {@code self} that did not end and whose last heartbeat is before
     * {@code beatBeforeMillis} (at most {@code limit}, oldest first).
     */
    public List<Instance> silent(String self, long beatBeforeMillis, int limit) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT id, heartbeat_millis, watermark_seq FROM palisade_instances"
                                + " WHERE ended_millis IS NULL AND id <> ? AND heartbeat_millis < ? ORDER BY heartbeat_millis LIMIT ?")) {
            statement.setString(1, self);
            statement.setLong(2, beatBeforeMillis);
            statement.setInt(3, limit);
            List<Instance> silent = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    silent.add(new Instance(rows.getString(1), rows.getLong(2), rows.getLong(3)));
                }
            }
            return silent;
        } catch (SQLException e) {
            throw new StoreException("cannot read instances: " + e.getMessage(), e);
        }
    }

    /**
     * Instances that did not end and beat their heartbeat at or after {@code aliveSinceMillis}
     * (at most {@code limit}, newest beat first): processes that seem to serve this store now.
     */
    public List<Instance> live(long aliveSinceMillis, int limit) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT id, heartbeat_millis, watermark_seq FROM palisade_instances"
                                + " WHERE ended_millis IS NULL AND heartbeat_millis >= ? ORDER BY heartbeat_millis DESC LIMIT ?")) {
            statement.setLong(1, aliveSinceMillis);
            statement.setInt(2, limit);
            List<Instance> live = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    live.add(new Instance(rows.getString(1), rows.getLong(2), rows.getLong(3)));
                }
            }
            return live;
        } catch (SQLException e) {
            throw new StoreException("cannot read instances: " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code self} the one to charge {@code id}'s requests; false when another live instance
     * (heartbeat at or after {@code aliveSinceMillis}) holds that claim. One UPDATE, so two
     * processes starting at once never both charge.
     */
    public boolean claim(String id, String self, long aliveSinceMillis) {
        return update(
                        "UPDATE palisade_instances SET claimed_by = ? WHERE id = ? AND ended_millis IS NULL AND (claimed_by IS NULL"
                                + " OR claimed_by = ? OR claimed_by NOT IN (SELECT live.id FROM palisade_instances live"
                                + " WHERE live.ended_millis IS NULL AND live.heartbeat_millis >= ?))",
                        self,
                        id,
                        self,
                        aliveSinceMillis)
                == 1;
    }

    /** The claimed instance's requests are charged: it is ended, with how many were charged. */
    public void charged(String id, long nowMillis, long count) {
        update("UPDATE palisade_instances SET ended_millis = ?, charged = ? WHERE id = ?", nowMillis, count, id);
    }

    /** Forgets instances that ended before {@code beforeMillis} (one row per start would grow forever). */
    public void forgetEnded(long beforeMillis) {
        update("DELETE FROM palisade_instances WHERE ended_millis IS NOT NULL AND ended_millis < ?", beforeMillis);
    }

    private int update(String sql, Object... parameters) {
        // As this process's one SQLite writer of the moment (Database#writing): a heartbeat meeting
        // the audit commit inside SQLite would make one of them sleep in the busy handler.
        try {
            return database.writing(() -> {
                try (Connection connection = database.connect();
                        PreparedStatement statement = connection.prepareStatement(sql)) {
                    for (int i = 0; i < parameters.length; i++) {
                        statement.setObject(i + 1, parameters[i]);
                    }
                    return statement.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new StoreException("cannot record instances: " + e.getMessage(), e);
        }
    }
}
