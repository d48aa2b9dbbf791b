package io.palisade.audit;

import io.palisade.store.Database;
import io.palisade.store.Dialect;
import io.palisade.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One writer's connection to the audit chain, with its statements prepared once: a group commit
 * then costs no SQL parsing (on SQLite, parsing the five statements of a commit was about a tenth
 * of the writer's CPU; docs/performance.md). Made by {@link AuditStore#appender()}.
 *
 * <p>Several appenders may append to one chain at once: audit writers in other Palisade replicas
 * sharing a PostgreSQL database, or other processes on one SQLite file. So an append reads the
 * chain's tail inside the transaction that inserts, under a lock that serialises appenders;
 * nothing about the tail is remembered between appends. Not thread-safe: one writer thread owns
 * an appender.
 */
public final class AuditAppender implements AutoCloseable {
    private final Database database;
    private final Connection connection;
    private final List<PreparedStatement> statements = new ArrayList<>();
    private final PreparedStatement tail;
    private final PreparedStatement insert;
    /** SQLite only: the transaction is driven with statements (see {@link #append}). */
    private final PreparedStatement begin;

    private final PreparedStatement commit;
    private final PreparedStatement rollback;
    /** PostgreSQL only. */
    private final PreparedStatement lock;

    AuditAppender(Database database) {
        this.database = database;
        this.connection = database.connect();
        try {
            boolean sqlite = database.dialect() == Dialect.SQLITE;
            tail = prepare("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
            insert = prepare(
                    "INSERT INTO audit_events (seq, request_id, kind, at, user_id, body, prev_hash, hash, format, personal,"
                            + " personal_salt, personal_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            begin = sqlite ? prepare("BEGIN IMMEDIATE") : null;
            commit = sqlite ? prepare("COMMIT") : null;
            rollback = sqlite ? prepare("ROLLBACK") : null;
            lock = sqlite ? null : prepare("SELECT pg_advisory_xact_lock(?)");
            if (lock != null) {
                lock.setLong(1, AuditStore.CHAIN_LOCK);
            }
        } catch (SQLException e) {
            close();
            throw new StoreException("cannot prepare the audit writer's statements: " + e.getMessage(), e);
        }
    }

    /**
     * Chains {@code unchained} onto the stored tail and inserts it, all in one transaction that
     * holds the chain lock from before the tail is read until the commit, so concurrent appenders
     * each link to what the previous one really committed. Returns the rows as stored (sequence
     * numbers and hashes assigned). On failure nothing is stored and the connection is left
     * outside any transaction, ready for the next append.
     *
     * <p>The lock: on PostgreSQL a transaction-scoped advisory lock ({@link AuditStore#CHAIN_LOCK}),
     * taken before the tail is read; it is released at commit, after the rows became visible, so
     * the next holder's read sees them. On SQLite the database write lock, taken up front by
     * {@code BEGIN IMMEDIATE} (a deferred transaction would read the tail under a read lock and
     * could then lose the race to upgrade it). SQLite's transaction is driven with explicit
     * {@code BEGIN IMMEDIATE}/{@code COMMIT}/{@code ROLLBACK} statements while the driver stays in
     * auto-commit mode, because the driver's own transactions begin deferred.
     */
    public List<AuditEvent> append(List<AuditEvent> unchained) throws SQLException {
        return database.writing(() -> appendLocked(unchained));
    }

    /** False when the connection was lost (servers and firewalls drop idle connections). */
    public boolean isValid(int timeoutSeconds) {
        try {
            return connection.isValid(timeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Whether an append would get through now, storing nothing: takes the chain lock, reads the
     * tail and rolls back. Throws what an append would have thrown.
     */
    public void probe() throws SQLException {
        database.writing(() -> {
            beginLocked();
            try {
                chain(List.of());
            } catch (SQLException | RuntimeException e) {
                rollback(e);
                throw e;
            }
            endTransaction();
            return null;
        });
    }

    private List<AuditEvent> appendLocked(List<AuditEvent> unchained) throws SQLException {
        beginLocked();
        try {
            List<AuditEvent> chained = chain(unchained);
            insert(chained);
            if (commit != null) {
                commit.execute();
            } else {
                connection.commit();
                connection.setAutoCommit(true);
            }
            return chained;
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            throw e;
        }
    }

    private void beginLocked() throws SQLException {
        if (begin != null) {
            begin.execute();
            return;
        }
        connection.setAutoCommit(false);
        try {
            lock.execute();
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            throw e;
        }
    }

    private List<AuditEvent> chain(List<AuditEvent> unchained) throws SQLException {
        long seq = 0;
        String hash = HashChain.GENESIS;
        try (ResultSet row = tail.executeQuery()) {
            if (row.next()) {
                seq = row.getLong(1);
                hash = row.getString(2);
            }
        }
        List<AuditEvent> chained = new ArrayList<>(unchained.size());
        for (AuditEvent event : unchained) {
            AuditEvent linked = event.chained(++seq, hash);
            hash = linked.hash();
            chained.add(linked);
        }
        return chained;
    }

    private void insert(List<AuditEvent> events) throws SQLException {
        try {
            for (AuditEvent event : events) {
                insert.setLong(1, event.seq());
                insert.setString(2, event.requestId());
                insert.setString(3, event.kind());
                insert.setString(4, event.at());
                insert.setString(5, event.userId());
                insert.setString(6, event.body());
                insert.setString(7, event.prevHash());
                insert.setString(8, event.hash());
                PersonalData personal = event.personal();
                insert.setInt(9, event.format());
                insert.setString(10, personal == null ? null : personal.fields());
                insert.setString(11, personal == null ? null : personal.salt());
                insert.setString(12, personal == null ? null : personal.digest());
                insert.addBatch();
            }
            insert.executeBatch();
        } finally {
            // A failed batch must not ride along with the next append's rows.
            insert.clearBatch();
        }
    }

    /** Undoes the open transaction; a failure to do so is attached to {@code cause}, which is what the caller reports. */
    private void rollback(Exception cause) {
        try {
            // SQLite may already have rolled back by itself (disk full, I/O error); then this
            // fails harmlessly and the failure rides along as suppressed.
            endTransaction();
        } catch (SQLException | RuntimeException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    /** Rolls the open transaction back and leaves the connection in auto-commit mode. */
    private void endTransaction() throws SQLException {
        if (rollback != null) {
            rollback.execute();
        } else {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statements.add(statement);
        return statement;
    }

    /** Closes the statements and the connection; failures to close are of no further use and are ignored. */
    @Override
    public void close() {
        for (PreparedStatement statement : statements) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // the connection is being closed anyway
            }
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing more can be done with a connection that fails to close
        }
    }
}
