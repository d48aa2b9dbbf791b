package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.TestStores;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 17, erasure in the audit: a user's personal data leaves the stored records and the
 * archive segments, other users' stays, records of format 1 are counted and left, and the chain
 * (archive and store) still verifies.
 */
class AuditErasureTest {
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant OLD = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void erasureBlanksTheUsersPersonalDataInStoreAndArchiveAndTheChainStillVerifies(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            // A record of format 1 (written before personal data was kept apart), then format 2 ones, old and recent.
            append(
                    store,
                    List.of(new AuditEvent(
                            0,
                            "legacy",
                            AuditEvent.DENIED,
                            OLD.toString(),
                            "usr_a",
                            "{\"user\":\"old@example.com\"}",
                            "",
                            "")));
            append(store, rows(0, 40, OLD));
            append(store, rows(40, 20, NOW));
            AuditArchive archive = new AuditArchive(dir.resolve("archive"));
            new AuditRetention(store.maintenance(), archive, Duration.ofDays(30), Clock.fixed(NOW, ZoneOffset.UTC), 15)
                    .pass();
            assertThat(archive.segments()).hasSize(3);
            assertThat(archivedText(archive)).contains("alice@example.com", "alice-secret-prompt");

            AuditErasure.Result result = new AuditErasure(store.maintenance(), archive)
                    .eraseUser("usr_a", "alice@example.com", NOW.toString());

            assertThat(result.records())
                    .as("alice's stored records of format 2")
                    .isEqualTo(10);
            assertThat(result.legacyRecords()).isZero(); // the legacy record was archived
            assertThat(result.archiveSegments()).isEqualTo(3);
            List<AuditEvent> stored = new ArrayList<>();
            store.scan(stored::add);
            assertThat(stored).filteredOn(row -> "usr_a".equals(row.userId())).allSatisfy(row -> {
                assertThat(row.personal().erased()).isTrue();
                assertThat(row.personal().fields()).isNull();
                assertThat(row.personal().salt()).isNull();
                assertThat(row.personal().erasedAt()).isEqualTo(NOW.toString());
            });
            assertThat(stored)
                    .filteredOn(row -> "usr_b".equals(row.userId()))
                    .allSatisfy(row -> assertThat(row.personal().fields()).contains("bob@example.com"));
            String archived = archivedText(archive);
            assertThat(archived)
                    .doesNotContain("alice@example.com", "alice-secret-prompt")
                    .contains("bob@example.com")
                    .as("format 1: the personal field is part of the hashed body")
                    .contains("old@example.com");
            try (Stream<Path> files = Files.list(archive.directory())) {
                assertThat(files.filter(file -> file.toString().endsWith(".jsonl.gz")))
                        .as("the old data files are gone")
                        .hasSize(3);
            }

            AuditVerifier.Result whole = new AuditVerifier(store, List.of(), CheckpointKey.NONE, archive).verify();
            assertThat(whole.intact()).as(whole.problem()).isTrue();
            assertThat(whole.records()).isEqualTo(61);

            AuditErasure.Result again =
                    new AuditErasure(store.maintenance(), archive).eraseUser("usr_a", "alice@example.com", "later");
            assertThat(again.records()).isZero();
            assertThat(again.archiveSegments()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void personalDataThatNoLongerMatchesItsDigestBreaksTheChain(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            append(store, rows(0, 4, NOW));
            try (var connection = database.connect();
                    var statement = connection.createStatement()) {
                statement.executeUpdate(
                        "UPDATE audit_events SET personal = REPLACE(personal, 'alice', 'mallory') WHERE seq = 3");
            }
            AuditVerifier.Result result = new AuditVerifier(store).verify();
            assertThat(result.intact()).isFalse();
            assertThat(result.firstBrokenSeq()).isEqualTo(3);
            assertThat(result.problem()).contains("personal data does not match its digest");
        }
    }

    /** Alternately alice's (usr_a) and bob's (usr_b) requests, with their email and a captured prompt. */
    private static List<AuditEvent> rows(int from, int count, Instant start) {
        List<AuditEvent> rows = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String name = i % 2 == 0 ? "alice" : "bob";
            rows.add(new AuditEvent(
                    0,
                    "r" + i,
                    AuditEvent.DENIED,
                    start.plusSeconds(i).toString(),
                    i % 2 == 0 ? "usr_a" : "usr_b",
                    "{\"model\":\"m\"}",
                    "",
                    "",
                    PersonalData.of(
                            "{\"user\":\"" + name + "@example.com\",\"prompt\":\"" + name + "-secret-prompt\"}")));
        }
        return rows;
    }

    private static void append(AuditStore store, List<AuditEvent> rows) throws Exception {
        try (AuditAppender appender = store.appender()) {
            appender.append(rows);
        }
    }

    private static String archivedText(AuditArchive archive) throws IOException {
        StringBuilder text = new StringBuilder();
        for (ArchiveSegment segment : archive.segments()) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(segment.dataIn(archive.directory())))) {
                text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }
}
