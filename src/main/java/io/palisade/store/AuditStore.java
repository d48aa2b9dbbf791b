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
 * The audit chain's rows. Appends go through an {@link AuditAppender} per writer (several may
 * append to one chain at once); reads may come from anywhere, each with its own connection.
 * Thread-safe.
 */
public final class AuditStore {
    /**
     * The PostgreSQL advisory lock key serialising appends to the chain ("palisade" in ASCII). It
     * is shared by every replica on the database and by nothing else Palisade locks.
     */
    static final long CHAIN_LOCK = 0x70616c6973616465L;

    private final Database database;

    public AuditStore(Database database) {
        this.database = database;
    }

    /** A writer's own connection with its statements prepared, so a group commit costs one transaction and no set-up. */
    public AuditAppender appender() {
        return new AuditAppender(database);
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

    /** The chain's highest sequence number, 0 when empty. */
    public long lastSeq() {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM audit_events");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    /** Up to {@code limit} "started" rows after {@code afterSeq}, in chain order: one page of a sweep. */
    public List<AuditEvent> startedAfter(long afterSeq, int limit) {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT * FROM audit_events WHERE seq > ? AND kind = ? ORDER BY seq LIMIT ?")) {
            statement.setLong(1, afterSeq);
            statement.setString(2, AuditEvent.STARTED);
            statement.setInt(3, limit);
            List<AuditEvent> page = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    page.add(event(rows));
                }
            }
            return page;
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    /** True when a row after {@code startedSeq} ends the request {@code requestId} (its completion). */
    public boolean hasOutcome(String requestId, long startedSeq) {
        try (Connection connection = database.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT 1 FROM audit_events WHERE request_id = ? AND seq > ? AND kind <> ? LIMIT 1")) {
            statement.setString(1, requestId);
            statement.setLong(2, startedSeq);
            statement.setString(3, AuditEvent.STARTED);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    private void query(String sql, List<String> parameters, Consumer<AuditEvent> consumer) {
        try (Connection connection = database.connect()) {
            boolean cursor = database.dialect() == Dialect.POSTGRESQL;
            if (cursor) {
                // PostgreSQL honours the fetch size only inside a transaction; in auto-commit mode
                // the driver would read the whole chain into memory first. A failure below leaves
                // the transaction to the pool, which rolls it back when the connection returns.
                connection.setAutoCommit(false);
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.size(); i++) {
                    statement.setString(i + 1, parameters.get(i));
                }
                statement.setFetchSize(500);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        consumer.accept(event(rows));
                    }
                }
            }
            if (cursor) {
                connection.commit();
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
