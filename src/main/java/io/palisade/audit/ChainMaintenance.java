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
import java.util.Optional;

/**
 * What retention and erasure do to the stored chain: remove archived records from its start
 * (moving its anchor), and blank the personal data of a user's records. Each transaction touches
 * at most {@link #BATCH} rows, so the audit writer never waits long for the store's write lock.
 * Thread-safe.
 */
public final class ChainMaintenance {
    /** The most rows one transaction removes or erases. */
    static final int BATCH = 2_000;

    private final Database database;

    public ChainMaintenance(Database database) {
        this.database = database;
    }

    /**
     * Where the stored chain starts after records were archived and removed: {@code firstSeq}
     * (the first record the store still holds, or will) linked to {@code prevHash}, the hash of the
     * last removed record.
     */
    public record Anchor(long firstSeq, String prevHash, String archivedAt) {
        /** The last record removed from the store. */
        public long archivedThrough() {
            return firstSeq - 1;
        }
    }

    /** The chain's anchor; empty while nothing was removed (it starts at record 1 from the genesis hash). */
    public Optional<Anchor> anchor() {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT first_seq, prev_hash, archived_at FROM audit_anchor");
                ResultSet rows = statement.executeQuery()) {
            return rows.next()
                    ? Optional.of(new Anchor(rows.getLong(1), rows.getString(2), rows.getString(3)))
                    : Optional.empty();
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit anchor: " + e.getMessage(), e);
        }
    }

    /** Up to {@code limit} rows after {@code afterSeq}, in chain order. */
    public List<AuditEvent> rowsAfter(long afterSeq, int limit) {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?")) {
            statement.setLong(1, afterSeq);
            statement.setInt(2, limit);
            List<AuditEvent> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(AuditStore.event(result));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    /** The stored hash of record {@code seq}; empty when the store does not hold it. */
    public Optional<String> hashAt(long seq) {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT hash FROM audit_events WHERE seq = ?")) {
            statement.setLong(1, seq);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    /**
     * Removes the records after {@code afterSeq} up to {@code throughSeq} (archived, with
     * {@code throughHash} the hash of the last) and anchors the chain after them, {@link #BATCH}
     * per transaction; each transaction moves the anchor to its own last record, so an interrupted
     * removal leaves a consistent chain that the next pass continues. Refuses (and removes nothing
     * more) when the stored record {@code throughSeq} does not have {@code throughHash}: the
     * archive would not hold what the store held.
     */
    public void removeArchived(long afterSeq, long throughSeq, String throughHash, String at) {
        Optional<String> stored = hashAt(throughSeq);
        if (stored.isPresent() && !stored.get().equals(throughHash)) {
            throw new StoreException("the stored audit record " + throughSeq
                    + " does not have the hash its archive segment recorded; nothing more is removed");
        }
        long from = afterSeq;
        while (from < throughSeq) {
            long to = Math.min(throughSeq, from + BATCH);
            removeBatch(from, to, at);
            from = to;
        }
    }

    private void removeBatch(long afterSeq, long throughSeq, String at) {
        try (Connection connection = database.connect()) {
            database.writing(() -> {
                connection.setAutoCommit(false);
                try {
                    String lastHash = hashIn(connection, throughSeq);
                    if (lastHash == null) {
                        // Removed already (an earlier pass that stopped before its next batch): the anchor moved with
                        // it.
                        connection.rollback();
                        return null;
                    }
                    try (PreparedStatement delete =
                                    connection.prepareStatement("DELETE FROM audit_events WHERE seq > ? AND seq <= ?");
                            PreparedStatement clear = connection.prepareStatement("DELETE FROM audit_anchor");
                            PreparedStatement anchor = connection.prepareStatement(
                                    "INSERT INTO audit_anchor (id, first_seq, prev_hash, archived_at) VALUES (1, ?, ?, ?)")) {
                        delete.setLong(1, afterSeq);
                        delete.setLong(2, throughSeq);
                        delete.executeUpdate();
                        clear.executeUpdate();
                        anchor.setLong(1, throughSeq + 1);
                        anchor.setString(2, lastHash);
                        anchor.setString(3, at);
                        anchor.executeUpdate();
                    }
                    connection.commit();
                    return null;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            });
        } catch (SQLException e) {
            throw new StoreException("cannot remove archived audit records: " + e.getMessage(), e);
        }
    }

    private static String hashIn(Connection connection, long seq) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT hash FROM audit_events WHERE seq = ?")) {
            statement.setLong(1, seq);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /** See {@link Database#scrubFreedSpace}: after an erasure, so the erased bytes leave the store's files. */
    public boolean scrubFreedSpace() {
        return database.scrubFreedSpace();
    }

    /** What erasing a user's records in the store did. */
    public record Erased(long records, long legacyRecords) {}

    /**
     * Blanks the personal data of {@code userId}'s records of format 2 (their digest stays, so the
     * chain still verifies), and of the admin and denial records whose personal data names {@code
     * email} (an action on the user addressed by email, a refusal quoting it), {@link #BATCH} per transaction; counts the user's
     * records of format 1, whose personal fields are part of the hashed body and stay.
     */
    public Erased eraseUser(String userId, String email, String at) {
        long erased = 0;
        while (true) {
            int batch = eraseBatch(userId, at);
            erased += batch;
            if (batch < BATCH) {
                break;
            }
        }
        erased += eraseAdminRowsNaming(email, at);
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT COUNT(*) FROM audit_events WHERE user_id = ? AND format = ?")) {
            statement.setString(1, userId);
            statement.setInt(2, AuditEvent.FORMAT_BODY_ONLY);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Erased(erased, rows.getLong(1));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    /**
     * Admin and denial rows naming the email are not found by index: their personal data is searched by range of sequence
     * numbers, {@link #BATCH} * 10 rows per statement, so no transaction scans the whole chain.
     */
    private long eraseAdminRowsNaming(String email, String at) {
        String contains = database.dialect() == Dialect.SQLITE ? "instr(personal, ?) > 0" : "strpos(personal, ?) > 0";
        long head = new AuditStore(database).headSeq();
        long erased = 0;
        long range = BATCH * 10L;
        for (long from = 0; from < head; from += range) {
            try (Connection connection = database.connect();
                    PreparedStatement statement = connection.prepareStatement(
                            "UPDATE audit_events SET personal = NULL, personal_salt = NULL, erased_at = ?"
                                    + " WHERE seq > ? AND seq <= ? AND kind IN (?, ?) AND format = ? AND erased_at IS NULL"
                                    + " AND " + contains)) {
                statement.setString(1, at);
                statement.setLong(2, from);
                statement.setLong(3, from + range);
                statement.setString(4, AuditEvent.ADMIN);
                statement.setString(5, AuditEvent.DENIED);
                statement.setInt(6, AuditEvent.FORMAT_PERSONAL_APART);
                statement.setString(7, email);
                erased += database.writing(statement::executeUpdate);
            } catch (SQLException e) {
                throw new StoreException("cannot erase audit records: " + e.getMessage(), e);
            }
        }
        return erased;
    }

    private int eraseBatch(String userId, String at) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(
                        "UPDATE audit_events SET personal = NULL, personal_salt = NULL, erased_at = ? WHERE seq IN"
                                + " (SELECT seq FROM audit_events WHERE user_id = ? AND format = ? AND erased_at IS NULL"
                                + " ORDER BY seq LIMIT ?)")) {
            statement.setString(1, at);
            statement.setString(2, userId);
            statement.setInt(3, AuditEvent.FORMAT_PERSONAL_APART);
            statement.setInt(4, BATCH);
            return database.writing(statement::executeUpdate);
        } catch (SQLException e) {
            throw new StoreException("cannot erase audit records: " + e.getMessage(), e);
        }
    }
}
