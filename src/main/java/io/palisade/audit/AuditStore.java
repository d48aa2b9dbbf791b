package io.palisade.audit;

import io.palisade.store.AuditFilter;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import io.palisade.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

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
    /** How many records {@link #forEachRecord} reads per query: its memory bound. */
    static final int CHUNK = 500;

    /**
     * A request's or admin action's row ({@code head}: "started", "denied" or "admin") with, for a
     * "started" row, its "completed" row (null while it has none). The completion joined is the first
     * "completed" row after the head with the head's request id: ids are Palisade's own and unique,
     * and for rows written when a caller could choose the id this still gives each request its own
     * record, never one merged from several.
     *
     * <p>Named {@code Record} although java.lang has one: it is public, used as {@code AuditStore.Record}
     * from other packages and tests, and renaming it is a change of its own.
     */
    @SuppressWarnings("JavaLangClash")
    public record Record(AuditEvent head, AuditEvent completion) {}

    /**
     * The head rows; their completions are read apart, by request id, for the heads of one page or
     * chunk only. (A join doing both was planned by PostgreSQL as a join over every matching row
     * before the limit.)
     */
    private static final String HEADS =
            "SELECT h.seq, h.request_id, h.kind, h.at, h.user_id, h.body, h.prev_hash, h.hash, h.format, h.personal,"
                    + " h.personal_salt, h.personal_digest, h.erased_at FROM audit_events h WHERE h.kind <> 'completed'";

    private static final int IDS_PER_QUERY = 200;

    private final Database database;

    public AuditStore(Database database) {
        this.database = database;
    }

    /** A writer's own connection with its statements prepared, so a group commit costs one transaction and no set-up. */
    public AuditAppender appender() {
        return new AuditAppender(database);
    }

    /** The chain's highest sequence number, 0 when empty. */
    public long lastSeq() {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM audit_events");
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

    /** Streams every row in chain order to {@code consumer} without holding them all in memory. */
    public void scan(Consumer<AuditEvent> consumer) {
        scanAfter(0, consumer);
    }

    /** Streams every row after {@code afterSeq} in chain order to {@code consumer}, as {@link #scan} does. */
    public void scanAfter(long afterSeq, Consumer<AuditEvent> consumer) {
        try (Connection connection = database.connect()) {
            boolean cursor = database.dialect() == Dialect.POSTGRESQL;
            if (cursor) {
                // PostgreSQL honours the fetch size only inside a transaction; in auto-commit mode
                // the driver would read the whole chain into memory first. A failure below leaves
                // the transaction to the pool, which rolls it back when the connection returns.
                connection.setAutoCommit(false);
            }
            try (PreparedStatement statement =
                    connection.prepareStatement("SELECT * FROM audit_events WHERE seq > ? ORDER BY seq")) {
                statement.setLong(1, afterSeq);
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

    /**
     * Up to {@code limit} records matching {@code filter} with a sequence number below
     * {@code beforeSeq}, newest first: one indexed query, whatever the chain's length.
     */
    public List<Record> newestFirst(AuditFilter filter, long beforeSeq, int limit) {
        Query query = query(filter);
        query.sql.append(" AND h.seq < ? ORDER BY h.seq DESC LIMIT ?");
        query.parameters.add(beforeSeq);
        query.parameters.add((long) limit);
        List<Record> records = new ArrayList<>(Math.min(limit, CHUNK));
        query(query, records::add);
        return records;
    }

    /**
     * Every record matching {@code filter} up to and including {@code upToSeq}, in chain order, to
     * {@code consumer}: read {@value #CHUNK} at a time by sequence number, so memory stays bounded
     * and no transaction or connection is held while the consumer writes (a slow download).
     */
    public void forEachRecord(AuditFilter filter, long upToSeq, Consumer<Record> consumer) {
        long afterSeq = 0;
        while (true) {
            Query query = query(filter);
            query.sql.append(" AND h.seq > ? AND h.seq <= ? ORDER BY h.seq LIMIT ?");
            query.parameters.add(afterSeq);
            query.parameters.add(upToSeq);
            query.parameters.add((long) CHUNK);
            List<Record> chunk = new ArrayList<>(CHUNK);
            query(query, chunk::add);
            chunk.forEach(consumer);
            if (chunk.size() < CHUNK) {
                return;
            }
            afterSeq = chunk.getLast().head().seq();
        }
    }

    /** Retention's and erasure's operations on this chain. */
    public ChainMaintenance maintenance() {
        return new ChainMaintenance(database);
    }

    /** Where the stored chain starts once records were archived; empty while none were removed. */
    public Optional<ChainMaintenance.Anchor> anchor() {
        return new ChainMaintenance(database).anchor();
    }

    /** The highest sequence number in the chain, 0 when empty. */
    public long headSeq() {
        return single("SELECT COALESCE(MAX(seq), 0) FROM audit_events", null);
    }

    /** The highest sequence number holding a row for {@code userId}, 0 when none. */
    public long lastSeqOf(String userId) {
        return single("SELECT COALESCE(MAX(seq), 0) FROM audit_events WHERE user_id = ?", userId);
    }

    /** The record query with {@code filter}'s conditions, each on a column of its own index (V6). Package-private for the plan test. */
    static Query query(AuditFilter filter) {
        Query query = new Query(new StringBuilder(HEADS), new ArrayList<>());
        query.where("h.user_id = ?", filter.userId());
        query.where("h.key_id = ?", filter.keyId());
        query.where("h.model = ?", filter.model());
        query.where("h.decision = ?", filter.decision());
        query.where("h.client_request_id = ?", filter.clientRequestId());
        query.where("h.at >= ?", filter.since());
        query.where("h.at < ?", filter.until());
        return query;
    }

    /** SQL text and its parameters (strings and longs), in order. */
    record Query(StringBuilder sql, List<Object> parameters) {
        void where(String condition, String value) {
            if (value != null) {
                sql.append(" AND ").append(condition);
                parameters.add(value);
            }
        }

        void bind(PreparedStatement statement) throws SQLException {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
        }
    }

    /** The heads {@code query} selects, in its order, each with its completion (see {@link Record}). */
    private void query(Query query, Consumer<Record> consumer) {
        try (Connection connection = database.connect()) {
            List<AuditEvent> heads = new ArrayList<>();
            try (PreparedStatement statement =
                    connection.prepareStatement(query.sql().toString())) {
                query.bind(statement);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        heads.add(event(rows));
                    }
                }
            }
            Map<String, List<AuditEvent>> completions = completions(connection, heads);
            for (AuditEvent head : heads) {
                consumer.accept(new Record(head, completionOf(head, completions.get(head.requestId()))));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    /** The "completed" rows of the "started" heads' request ids, each id's in chain order. */
    private static Map<String, List<AuditEvent>> completions(Connection connection, List<AuditEvent> heads)
            throws SQLException {
        List<String> ids = new ArrayList<>(heads.stream()
                .filter(head -> AuditEvent.STARTED.equals(head.kind()))
                .map(AuditEvent::requestId)
                .collect(Collectors.toCollection(LinkedHashSet::new)));
        Map<String, List<AuditEvent>> byId = new HashMap<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            List<String> some = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
            String sql = "SELECT * FROM audit_events WHERE kind = 'completed' AND request_id IN ("
                    + String.join(", ", Collections.nCopies(some.size(), "?")) + ") ORDER BY seq";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < some.size(); i++) {
                    statement.setString(i + 1, some.get(i));
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        AuditEvent completion = event(rows);
                        byId.computeIfAbsent(completion.requestId(), id -> new ArrayList<>())
                                .add(completion);
                    }
                }
            }
        }
        return byId;
    }

    /** The first completion after {@code head} ({@code candidates} in chain order), null for none or a head that is not "started". */
    private static AuditEvent completionOf(AuditEvent head, List<AuditEvent> candidates) {
        if (candidates == null || !AuditEvent.STARTED.equals(head.kind())) {
            return null;
        }
        for (AuditEvent candidate : candidates) {
            if (candidate.seq() > head.seq()) {
                return candidate;
            }
        }
        return null;
    }

    private long single(String sql, String parameter) {
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setString(1, parameter);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }

    /** The row at the cursor of a query selecting every column of audit_events. */
    static AuditEvent event(ResultSet rows) throws SQLException {
        PersonalData personal = rows.getInt("format") == AuditEvent.FORMAT_BODY_ONLY
                ? null
                : new PersonalData(
                        rows.getString("personal"),
                        rows.getString("personal_salt"),
                        rows.getString("personal_digest"),
                        rows.getString("erased_at"));
        return new AuditEvent(
                rows.getLong("seq"),
                rows.getString("request_id"),
                rows.getString("kind"),
                rows.getString("at"),
                rows.getString("user_id"),
                rows.getString("body"),
                rows.getString("prev_hash"),
                rows.getString("hash"),
                personal);
    }
}
