package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.TestStores;
import io.palisade.store.AuditFilter;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit search, whatever the dialect: a few thousand requests, each filter and their
 * combination, paged newest-first by sequence number and exported oldest-first in chunks, give
 * exactly the records a full read would select, each with its own completion.
 */
abstract class AuditSearchContract {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final int REQUESTS = 2_400;

    @TempDir
    Path dir;

    Database database;
    AuditStore audit;
    /** Every record written, in chain order: what the store must select from. */
    private final List<Written> written = new ArrayList<>();

    protected abstract Dialect dialect();

    /** One record as the test wrote it: its head row's seq and fields, and its completion's seq (0: none). */
    record Written(
            long seq,
            String requestId,
            String kind,
            String at,
            String userId,
            String keyId,
            String model,
            String decision,
            String clientRequestId,
            long completionSeq) {}

    @BeforeEach
    void fillStore() throws SQLException {
        database = Database.open(TestStores.newUrl(dialect(), dir));
        audit = new AuditStore(database);
        try (AuditAppender appender = audit.appender()) {
            List<AuditEvent> batch = new ArrayList<>();
            List<Integer> pendingCompletion = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                batch.add(head(i));
                if (!kind(i).equals(AuditEvent.STARTED)) {
                    continue;
                }
                // Completions trail their starts by a few rows, as under concurrency; every 50th never completes.
                if (i % 50 != 0) {
                    pendingCompletion.add(i);
                }
                if (pendingCompletion.size() == 3) {
                    pendingCompletion.forEach(started -> batch.add(completion("r" + started)));
                    pendingCompletion.clear();
                }
            }
            pendingCompletion.forEach(started -> batch.add(completion("r" + started)));
            // Written before Palisade made its own ids: two requests under one caller-chosen id, each completed.
            batch.add(legacy("dup", 1));
            batch.add(completion("dup"));
            batch.add(legacy("dup", 2));
            batch.add(completion("dup"));
            for (int from = 0; from < batch.size(); from += 400) {
                List<AuditEvent> stored = appender.append(batch.subList(from, Math.min(batch.size(), from + 400)));
                stored.forEach(this::remember);
            }
        }
    }

    @AfterEach
    void closeStore() {
        database.close();
    }

    @Test
    void everyFilterPagesNewestFirstToExactlyTheMatchingRecords() {
        check(new AuditFilter(null, null, null, null, null, null, null), w -> true);
        check(new AuditFilter("usr_1", null, null, null, null, null, null), w -> "usr_1".equals(w.userId()));
        check(new AuditFilter(null, "key_2", null, null, null, null, null), w -> "key_2".equals(w.keyId()));
        check(new AuditFilter(null, null, "model-1", null, null, null, null), w -> "model-1".equals(w.model()));
        check(new AuditFilter(null, null, null, "denied", null, null, null), w -> "denied".equals(w.decision()));
        check(
                new AuditFilter(null, null, null, null, "client-3", null, null),
                w -> "client-3".equals(w.clientRequestId()));
        String since = T0.plusSeconds(500).toString();
        String until = T0.plusSeconds(1_700).toString();
        check(
                new AuditFilter(null, null, null, null, null, since, until),
                w -> w.at().compareTo(since) >= 0 && w.at().compareTo(until) < 0);
        check(
                new AuditFilter("usr_0", "key_1", "model-2", "allowed", null, since, null),
                w -> "usr_0".equals(w.userId())
                        && "key_1".equals(w.keyId())
                        && "model-2".equals(w.model())
                        && "allowed".equals(w.decision())
                        && w.at().compareTo(since) >= 0);
        check(new AuditFilter(null, null, "no-such-model", null, null, null, null), w -> false);
    }

    @Test
    void rowsSharingARequestIdStaySeparateRecordsEachWithItsOwnCompletion() {
        List<AuditStore.Record> dup = new ArrayList<>();
        audit.forEachRecord(new AuditFilter(null, null, "legacy", null, null, null, null), audit.headSeq(), dup::add);
        assertThat(dup).hasSize(2);
        assertThat(dup).extracting(r -> r.head().body()).containsExactly(legacyBody(1), legacyBody(2));
        assertThat(dup).allSatisfy(r -> assertThat(r.completion()).isNotNull());
        assertThat(dup.get(0).completion().seq()).isEqualTo(dup.get(0).head().seq() + 1);
        assertThat(dup.get(1).completion().seq()).isEqualTo(dup.get(1).head().seq() + 1);
    }

    /** A caller can put U+0000 in a model name or a captured prompt: the rows are still stored (the group commit not failed) and found. */
    @Test
    void rowsWithANulCharacterAreStoredAndFound() throws SQLException {
        String nul = "\\u0000";
        try (AuditAppender appender = audit.appender()) {
            appender.append(List.of(
                    new AuditEvent(
                            0,
                            "nul-1",
                            AuditEvent.DENIED,
                            T0.toString(),
                            null,
                            "{\"key_id\":\"key_nul\",\"model\":\"bad" + nul
                                    + "model\",\"decision\":\"denied\",\"note\":\"\\\\u0000\"}",
                            "",
                            ""),
                    new AuditEvent(
                            0,
                            "nul-2",
                            AuditEvent.STARTED,
                            T0.toString(),
                            null,
                            "{\"key_id\":\"key_nul\",\"model\":\"m\",\"decision\":\"allowed\"}",
                            "",
                            ""),
                    new AuditEvent(
                            0,
                            "nul-2",
                            AuditEvent.COMPLETED,
                            T0.toString(),
                            null,
                            "{\"prompt\":\"a" + nul + "b\"}",
                            "",
                            "")));
        }
        List<AuditStore.Record> found =
                audit.newestFirst(new AuditFilter(null, "key_nul", null, null, null, null, null), Long.MAX_VALUE, 10);
        assertThat(found).extracting(r -> r.head().requestId()).containsExactly("nul-2", "nul-1");
        assertThat(found.get(0).completion().body()).contains(nul);
        assertThat(audit.newestFirst(
                        new AuditFilter(null, "key_nul", null, "denied", null, null, null), Long.MAX_VALUE, 10))
                .extracting(r -> r.head().requestId())
                .containsExactly("nul-1");
        assertThat(new AuditVerifier(audit).verify().intact()).isTrue();
    }

    @Test
    void anExportStopsAtTheHeadItBeganWithAndVerifyStillReadsTheWholeChain() {
        long head = audit.headSeq();
        List<AuditStore.Record> upToHalf = new ArrayList<>();
        audit.forEachRecord(AuditFilter.ALL, head / 2, upToHalf::add);
        assertThat(upToHalf)
                .extracting(r -> r.head().seq())
                .containsExactlyElementsOf(written.stream()
                        .map(Written::seq)
                        .filter(seq -> seq <= head / 2)
                        .toList());
        AuditVerifier.Result verified = new AuditVerifier(audit).verify();
        assertThat(verified.intact()).isTrue();
        assertThat(verified.records()).isEqualTo(head);
    }

    /** Pages of 97 newest-first, then the chunked export oldest-first: both exactly {@code expected}, completions joined. */
    private void check(AuditFilter filter, Predicate<Written> expected) {
        List<Written> matching = written.stream().filter(expected).toList();
        List<AuditStore.Record> paged = new ArrayList<>();
        long before = Long.MAX_VALUE;
        while (true) {
            List<AuditStore.Record> page = audit.newestFirst(filter, before, 97);
            paged.addAll(page);
            if (page.size() < 97) {
                break;
            }
            before = page.getLast().head().seq();
        }
        assertThat(paged)
                .as("paged: %s", filter)
                .extracting(r -> r.head().seq())
                .containsExactlyElementsOf(matching.stream()
                        .map(Written::seq)
                        .sorted(Comparator.reverseOrder())
                        .toList());
        List<AuditStore.Record> exported = new ArrayList<>();
        audit.forEachRecord(filter, audit.headSeq(), exported::add);
        assertThat(exported)
                .as("exported: %s", filter)
                .extracting(r -> r.head().seq())
                .containsExactlyElementsOf(matching.stream().map(Written::seq).toList());
        assertThat(exported)
                .extracting(r -> r.completion() == null ? 0L : r.completion().seq())
                .containsExactlyElementsOf(
                        matching.stream().map(Written::completionSeq).toList());
    }

    private void remember(AuditEvent row) {
        if (!row.kind().equals(AuditEvent.COMPLETED)) {
            int i = row.requestId().startsWith("r")
                    ? Integer.parseInt(row.requestId().substring(1))
                    : -1;
            written.add(
                    i < 0
                            ? new Written(
                                    row.seq(),
                                    row.requestId(),
                                    row.kind(),
                                    row.at(),
                                    null,
                                    null,
                                    "legacy",
                                    null,
                                    null,
                                    0)
                            : new Written(
                                    row.seq(),
                                    row.requestId(),
                                    row.kind(),
                                    row.at(),
                                    row.userId(),
                                    i % 9 == 0 ? null : "key_" + (i % 4),
                                    kind(i).equals(AuditEvent.ADMIN) ? null : "model-" + (i % 3),
                                    decision(i),
                                    clientId(i),
                                    0));
            return;
        }
        for (int j = written.size() - 1; j >= 0; j--) {
            Written head = written.get(j);
            if (head.requestId().equals(row.requestId())
                    && head.kind().equals(AuditEvent.STARTED)
                    && head.completionSeq() == 0) {
                written.set(
                        j,
                        new Written(
                                head.seq(),
                                head.requestId(),
                                head.kind(),
                                head.at(),
                                head.userId(),
                                head.keyId(),
                                head.model(),
                                head.decision(),
                                head.clientRequestId(),
                                row.seq()));
                return;
            }
        }
    }

    private static String kind(int i) {
        return i % 13 == 0 ? AuditEvent.ADMIN : i % 10 == 0 ? AuditEvent.DENIED : AuditEvent.STARTED;
    }

    private static String decision(int i) {
        return switch (kind(i)) {
            case AuditEvent.DENIED -> "denied";
            case AuditEvent.STARTED -> "allowed";
            default -> null;
        };
    }

    private static String clientId(int i) {
        return i % 2 == 0 ? "client-" + (i % 7) : null;
    }

    private static AuditEvent head(int i) {
        StringBuilder body = new StringBuilder("{\"received_at\":\"x\"");
        if (clientId(i) != null) {
            body.append(",\"client_request_id\":\"").append(clientId(i)).append('"');
        }
        if (i % 9 != 0) {
            body.append(",\"key_id\":\"key_").append(i % 4).append('"');
        }
        if (kind(i).equals(AuditEvent.ADMIN)) {
            body.append(",\"action\":\"keys.create\"}");
        } else {
            body.append(",\"model\":\"model-")
                    .append(i % 3)
                    .append("\",\"decision\":\"")
                    .append(decision(i))
                    .append("\"}");
        }
        return new AuditEvent(
                0, "r" + i, kind(i), T0.plusSeconds(i).toString(), "usr_" + (i % 2), body.toString(), "", "");
    }

    private static AuditEvent completion(String requestId) {
        return new AuditEvent(
                0,
                requestId,
                AuditEvent.COMPLETED,
                T0.plusSeconds(REQUESTS).toString(),
                null,
                "{\"status\":200}",
                "",
                "");
    }

    private static AuditEvent legacy(String requestId, int n) {
        return new AuditEvent(
                0, requestId, AuditEvent.STARTED, T0.plusSeconds(REQUESTS).toString(), null, legacyBody(n), "", "");
    }

    private static String legacyBody(int n) {
        return "{\"model\":\"legacy\",\"n\":" + n + "}";
    }
}
