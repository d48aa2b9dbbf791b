package io.palisade.store;

import io.palisade.audit.AuditEvent;
import io.palisade.audit.HashChain;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The audit chain's rows. Several writers may append to one chain at once: audit writers in other
 * Palisade replicas sharing a PostgreSQL database, or other processes on one SQLite file. So an
 * append reads the chain's tail inside the transaction that inserts, under a lock that serialises
 * appenders ({@link #appendChained}); nothing about the tail is remembered between appends. Reads
 * may come from anywhere, each with its own connection. Thread-safe, except that one connection
 * must not be used by two appends at once.
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

    /** A connection the writer keeps, so a group commit costs one transaction and no connection set-up. */
    public Connection writerConnection() {
        return database.connect();
    }

    /**
     * Chains {@code unchained} onto the stored tail and inserts it, all in one transaction that
     * holds the chain lock from before the tail is read until the commit, so concurrent appenders
     * (other replicas, other processes) each link to what the previous one really committed.
     * Returns the rows as stored (sequence numbers and hashes assigned). On failure nothing is
     * stored and the connection is left outside any transaction.
     *
     * <p>The lock: on PostgreSQL a transaction-scoped advisory lock ({@link #CHAIN_LOCK}), taken
     * before the tail is read; it is released at commit, after the rows became visible, so the next
     * holder's read sees them. On SQLite the database write lock, taken up front by
     * {@code BEGIN IMMEDIATE} (a deferred transaction would read the tail under a read lock and could
     * then lose the race to upgrade it). SQLite's transaction is driven with explicit
     * {@code BEGIN IMMEDIATE}/{@code COMMIT}/{@code ROLLBACK} statements while the driver stays in
     * auto-commit mode, because the driver's own transactions begin deferred.
     */
    public List<AuditEvent> appendChained(Connection connection, List<AuditEvent> unchained) throws SQLException {
        return database.writing(() -> appendChainedLocked(connection, unchained));
    }

    private List<AuditEvent> appendChainedLocked(Connection connection, List<AuditEvent> unchained) throws SQLException {
        beginLocked(connection);
        try {
            AuditEvent tail = last(connection);
            List<AuditEvent> chained = chain(tail, unchained);
            insert(connection, chained);
            commit(connection);
            return chained;
        } catch (SQLException | RuntimeException e) {
            rollback(connection, e);
            throw e;
        }
    }

    /** The last row of the chain, or null for an empty chain. */
    public AuditEvent last(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1");
             ResultSet rows = statement.executeQuery()) {
            return rows.next() ? event(rows) : null;
        }
    }

    private static List<AuditEvent> chain(AuditEvent tail, List<AuditEvent> unchained) {
        long seq = tail == null ? 0 : tail.seq();
        String hash = tail == null ? HashChain.GENESIS : tail.hash();
        List<AuditEvent> chained = new ArrayList<>(unchained.size());
        for (AuditEvent event : unchained) {
            AuditEvent linked = event.chained(++seq, hash);
            hash = linked.hash();
            chained.add(linked);
        }
        return chained;
    }

    private static void insert(Connection connection, List<AuditEvent> events) throws SQLException {
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
        }
    }

    private void beginLocked(Connection connection) throws SQLException {
        if (database.dialect() == Dialect.SQLITE) {
            execute(connection, "BEGIN IMMEDIATE");
            return;
        }
        connection.setAutoCommit(false);
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, CHAIN_LOCK);
            lock.execute();
        } catch (SQLException | RuntimeException e) {
            rollback(connection, e);
            throw e;
        }
    }

    private void commit(Connection connection) throws SQLException {
        if (database.dialect() == Dialect.SQLITE) {
            execute(connection, "COMMIT");
        } else {
            connection.commit();
            connection.setAutoCommit(true);
        }
    }

    /** Undoes the open transaction; a failure to do so is attached to {@code cause}, which is what the caller reports. */
    private void rollback(Connection connection, Exception cause) {
        try {
            if (database.dialect() == Dialect.SQLITE) {
                // SQLite may already have rolled back by itself (disk full, I/O error); then this
                // fails harmlessly and the failure rides along as suppressed.
                execute(connection, "ROLLBACK");
            } else {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
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
