package io.palisade.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Settled usage, one row per request (refusals included, with zero tokens): the source of usage
 * reports and of budget counters when a period's counter is first needed. Thread-safe.
 */
public final class UsageStore {
    /** Columns a report may group by; "day" is the UTC date. */
    public static final Set<String> GROUPS = Set.of("user", "team", "key", "model", "day");

    private static final int CHUNK = 256;

    private final Database database;

    public UsageStore(Database database) {
        this.database = database;
    }

    /**
     * One usage row. {@code eventId} is the row's own identity, made once when the row is recorded:
     * writing the same row again (a retry after a failed or ambiguous commit, a spool replayed)
     * stores it once.
     */
    public record UsageEvent(
            String at,
            String day,
            String requestId,
            String userId,
            String userEmail,
            String team,
            String keyId,
            String model,
            long promptTokens,
            long completionTokens,
            long costMicros,
            boolean refused,
            String reason,
            String eventId) {

        /** A new row, with a fresh {@code eventId}. */
        public UsageEvent(
                String at,
                String day,
                String requestId,
                String userId,
                String userEmail,
                String team,
                String keyId,
                String model,
                long promptTokens,
                long completionTokens,
                long costMicros,
                boolean refused,
                String reason) {
            this(
                    at,
                    day,
                    requestId,
                    userId,
                    userEmail,
                    team,
                    keyId,
                    model,
                    promptTokens,
                    completionTokens,
                    costMicros,
                    refused,
                    reason,
                    newEventId());
        }

        /**
         * Unique, not secret: this process's random prefix and a counter. Ids rising within a
         * process keep the unique index's inserts at its end; random ids (UUIDs) scattered them
         * over the whole index and made usage writes some three times slower.
         */
        private static String newEventId() {
            return EventIds.PREFIX + HexFormat.of().toHexDigits(EventIds.NEXT.getAndIncrement());
        }
    }

    /** The event id generator's state, made once per process. */
    private static final class EventIds {
        private static final String PREFIX = HexFormat.of().toHexDigits(new SecureRandom().nextLong());
        private static final AtomicLong NEXT = new AtomicLong();
    }

    /** One report row: the group values (by name) and the totals. */
    public record UsageRow(
            Map<String, String> group,
            long requests,
            long promptTokens,
            long completionTokens,
            long costMicros,
            long refusals) {}

    /**
     * Stores the rows on one connection, {@value #CHUNK} per transaction, handing the store's write
     * turn back between transactions: the audit's group commit, which callers wait for, then waits
     * behind one chunk, never behind a whole batch. Usage commits do not wait for the disk (SQLite
     * {@code synchronous=NORMAL} on this connection, PostgreSQL {@code synchronous_commit} off for
     * the transaction): usage may lose the last fraction of a second in a crash anyway
     * (docs/admission.md), and on SQLite the next audit commit's fsync of the shared write-ahead log
     * makes these rows durable too. Thrown on failure with how many rows were stored before it.
     * Idempotent: a row whose {@code eventId} is stored already is skipped, so a batch may be
     * written again after a failure that left some of it (or all of it, unacknowledged) stored.
     */
    public void insert(List<UsageEvent> events) {
        int stored = 0;
        try (Connection connection = database.connect()) {
            if (database.dialect() == Dialect.SQLITE) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("PRAGMA synchronous = NORMAL");
                }
            }
            while (stored < events.size()) {
                List<UsageEvent> chunk = events.subList(stored, Math.min(events.size(), stored + CHUNK));
                database.writing(() -> insert(connection, chunk, database.dialect()));
                stored += chunk.size();
            }
        } catch (SQLException e) {
            throw new StoreException(
                    "cannot record usage (" + stored + " of " + events.size() + " rows stored): " + e.getMessage(), e);
        }
    }

    /** One write transaction; the caller holds the store's write turn. */
    private static Void insert(Connection connection, List<UsageEvent> events, Dialect dialect) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(
                "INSERT INTO usage_events (at, day, request_id, user_id, user_email, team, key_id, model, prompt_tokens,"
                        + " completion_tokens, cost_micros, refused, reason, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (event_id) DO NOTHING")) {
            if (dialect == Dialect.POSTGRESQL) {
                try (Statement relax = connection.createStatement()) {
                    relax.execute("SET LOCAL synchronous_commit TO OFF");
                }
            }
            for (UsageEvent event : events) {
                statement.setString(1, event.at());
                statement.setString(2, event.day());
                statement.setString(3, event.requestId());
                statement.setString(4, event.userId());
                statement.setString(5, event.userEmail());
                statement.setString(6, event.team());
                statement.setString(7, event.keyId());
                statement.setString(8, event.model());
                statement.setLong(9, event.promptTokens());
                statement.setLong(10, event.completionTokens());
                statement.setLong(11, event.costMicros());
                statement.setInt(12, event.refused() ? 1 : 0);
                statement.setString(13, event.reason());
                statement.setString(14, event.eventId());
                statement.addBatch();
            }
            statement.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
        return null;
    }

    /** Settled usage of one scope over a period: tokens of prompts and of completions, and cost in micro-dollars. */
    public record UsageTotals(long promptTokens, long completionTokens, long costMicros) {}

    /**
     * Stores {@code event} unless a usage row already exists under its request id or under
     * {@code otherId} (the same request's other identifier); true if stored. Charging a crashed
     * instance's request goes through here, so a sweep cut short and run again charges nothing twice.
     * Not atomic against a concurrent insert of the same ids: the one caller holds a claim that
     * excludes other sweepers (InstanceStore#claim).
     */
    public boolean insertIfAbsent(UsageEvent event, String otherId) {
        try (Connection connection = database.connect();
                PreparedStatement present =
                        connection.prepareStatement("SELECT 1 FROM usage_events WHERE request_id IN (?, ?) LIMIT 1")) {
            present.setString(1, event.requestId());
            present.setString(2, otherId);
            try (ResultSet rows = present.executeQuery()) {
                if (rows.next()) {
                    return false;
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read usage: " + e.getMessage(), e);
        }
        insert(List.of(event));
        return true;
    }

    /**
     * Settled totals of one scope since {@code fromIso}. {@code value} is the key's or the user's id, or
     * the team's name (usage rows name teams); {@code model}, a name or "*" pattern, narrows the models when not null.
     */
    public UsageTotals totals(LimitsStore.Scope scope, String value, String model, String fromIso) {
        String column = switch (scope) {
            case KEY -> "key_id";
            case USER -> "user_id";
            case TEAM -> "team";
        };
        String sql =
                "SELECT COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost_micros), 0)"
                        + " FROM usage_events WHERE " + column + " = ? AND at >= ? AND refused = 0"
                        + (model == null ? "" : " AND model LIKE ? ESCAPE '!'");
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, value);
            statement.setString(2, fromIso);
            if (model != null) {
                // a model pattern ("llama*") becomes a LIKE pattern with the literal % and _ escaped
                statement.setString(
                        3,
                        model.replace("!", "!!")
                                .replace("%", "!%")
                                .replace("_", "!_")
                                .replace('*', '%'));
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new UsageTotals(rows.getLong(1), rows.getLong(2), rows.getLong(3));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read usage: " + e.getMessage(), e);
        }
    }

    /** Totals grouped by {@code groups} (names from {@link #GROUPS}) within [since, until). */
    public List<UsageRow> report(List<String> groups, String since, String until) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (String group : groups) {
            columns.put(
                    group,
                    switch (group) {
                        case "user" -> "user_email";
                        case "team" -> "team";
                        case "key" -> "key_id";
                        case "model" -> "model";
                        case "day" -> "day";
                        default ->
                            throw new IllegalArgumentException(
                                    "cannot group usage by '" + group + "' (use " + String.join(", ", GROUPS) + ")");
                    });
        }
        String select = String.join(", ", columns.values());
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(select.isEmpty() ? "" : select + ", ")
                .append(
                        "COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost_micros), 0),"
                                + " COALESCE(SUM(refused), 0) FROM usage_events WHERE 1 = 1");
        List<String> parameters = new ArrayList<>();
        if (since != null) {
            sql.append(" AND at >= ?");
            parameters.add(since);
        }
        if (until != null) {
            sql.append(" AND at < ?");
            parameters.add(until);
        }
        if (!select.isEmpty()) {
            sql.append(" GROUP BY ").append(select).append(" ORDER BY ").append(select);
        }
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setString(i + 1, parameters.get(i));
            }
            List<UsageRow> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    Map<String, String> group = new LinkedHashMap<>();
                    int column = 1;
                    for (String name : columns.keySet()) {
                        group.put(name, result.getString(column++));
                    }
                    rows.add(new UsageRow(
                            group,
                            result.getLong(column),
                            result.getLong(column + 1),
                            result.getLong(column + 2),
                            result.getLong(column + 3),
                            result.getLong(column + 4)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("cannot report usage: " + e.getMessage(), e);
        }
    }
}
