package io.palisade.store;

import io.palisade.audit.AuditEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The audit chain's rows. Appends come only from the single audit writer thread; reads may come
 * from anywhere (each with its own connection).
 */
public final class AuditStore {
    private final Database database;

    public AuditStore(Database database) {
        this.database = database;
    }

    /** A connection the writer keeps for its lifetime, so a group commit costs one transaction. */
    public Connection writerConnection() {
        return database.connect();
    }

    /** Appends {@code events} (already chained) in one transaction. */
    public void append(Connection connection, List<AuditEvent> events) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO audit_events (seq, request_id, kind, at, user_id, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEvent event : events) {
                statement.setLong(1, event.seq());
                statement.setString(2, event.requestId());
                statement.setString(3, event.kind());
                statement.setString(4, event.at());
                statement.setString(5, event.userId());
                statement.setString(6, event.body());
                statement.setString(7, event.prevHash());
                statement.setString(8, event.hash());
                statement.addBatch();
            }
            statement.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The last row of the chain, or null for an empty chain. */
    public AuditEvent last(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1");
             ResultSet rows = statement.executeQuery()) {
            return rows.next() ? event(rows) : null;
        }
    }

    /** Streams every row in chain order to {@code consumer} without holding them all in memory. */
    public void scan(Consumer<AuditEvent> consumer) {
        query("SELECT * FROM audit_events ORDER BY seq", List.of(), consumer);
    }

    /**
     * Rows of one user (or of everyone when {@code userId} is null) within [since, until) by ISO
     * time text, in chain order.
     */
    public void scan(String userId, String since, String until, Consumer<AuditEvent> consumer) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_events WHERE 1 = 1");
        List<String> parameters = new ArrayList<>();
        if (userId != null) {
            sql.append(" AND user_id = ?");
            parameters.add(userId);
        }
        if (since != null) {
            sql.append(" AND at >= ?");
            parameters.add(since);
        }
        if (until != null) {
            sql.append(" AND at < ?");
            parameters.add(until);
        }
        sql.append(" ORDER BY seq");
        query(sql.toString(), parameters, consumer);
    }

    /** The highest sequence number holding a row for {@code userId}, 0 when none. */
    public long lastSeqOf(String userId) {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM audit_events WHERE user_id = ?")) {
            statement.setString(1, userId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    private void query(String sql, List<String> parameters, Consumer<AuditEvent> consumer) {
        try (Connection connection = database.connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setString(i + 1, parameters.get(i));
            }
            statement.setFetchSize(500);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    consumer.accept(event(rows));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    private static AuditEvent event(ResultSet rows) throws SQLException {
        return new AuditEvent(rows.getLong("seq"), rows.getString("request_id"), rows.getString("kind"), rows.getString("at"),
                rows.getString("user_id"), rows.getString("body"), rows.getString("prev_hash"), rows.getString("hash"));
    }
}
