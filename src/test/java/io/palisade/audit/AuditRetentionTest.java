package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.TestStores;
import io.palisade.config.Secret;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 17, retention: expired records are archived to checksummed segments, then removed from
 * the store; the remaining chain verifies from its anchor, the archive and the store verify
 * together from record 1, a tampered segment is found, a pass interrupted after the archive step
 * is finished without duplicates or losses, and checkpoints of archived records still verify.
 */
class AuditRetentionTest {
    private static final CheckpointKey KEY = CheckpointKey.of(Secret.of("k".repeat(40), "test"));
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant OLD = Instant.parse("2026-01-01T00:00:00Z");
    private static final int EXPIRED = 1_200;
    private static final int RECENT = 300;
    private static final int SEGMENT = 500;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void expiredRecordsAreArchivedThenRemovedAndBothPartsVerify(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            List<AuditEvent> written = fill(store);
            Path checkpoints = checkpoints(written.get(699), written.get(1_399));
            AuditArchive archive = new AuditArchive(dir.resolve("archive"));

            long removed = retention(store, archive).pass();

            assertThat(removed).isEqualTo(EXPIRED);
            assertThat(archive.segments()).hasSize(3);
            assertThat(archive.segments().getFirst().prevHash()).isEqualTo(HashChain.GENESIS);
            assertThat(archive.segments().getLast().lastHash())
                    .isEqualTo(written.get(EXPIRED - 1).hash());
            assertThat(store.anchor()).hasValueSatisfying(anchor -> {
                assertThat(anchor.firstSeq()).isEqualTo(EXPIRED + 1);
                assertThat(anchor.prevHash()).isEqualTo(written.get(EXPIRED - 1).hash());
            });
            List<Long> stored = new ArrayList<>();
            store.scan(row -> stored.add(row.seq()));
            assertThat(stored).hasSize(RECENT).first().isEqualTo((long) EXPIRED + 1);

            AuditVerifier.Result remainder = new AuditVerifier(store, List.of(checkpoints), KEY).verify();
            assertThat(remainder.intact()).as(remainder.problem()).isTrue();
            assertThat(remainder.records()).isEqualTo(RECENT);
            assertThat(remainder.archive().archivedThrough()).isEqualTo(EXPIRED);
            assertThat(remainder.archive().checked()).isFalse();
            assertThat(remainder.archive().uncheckedCheckpoints())
                    .as("the checkpoint of record 700 lies in the archive")
                    .isEqualTo(1);
            assertThat(remainder.anchoring().anchoredSeq()).isEqualTo(1_400);

            AuditVerifier.Result whole = new AuditVerifier(store, List.of(checkpoints), KEY, archive).verify();
            assertThat(whole.intact()).as(whole.problem()).isTrue();
            assertThat(whole.records()).isEqualTo(EXPIRED + RECENT);
            assertThat(whole.headHash()).isEqualTo(written.getLast().hash());
            assertThat(whole.archive().segments()).isEqualTo(3);
            assertThat(whole.anchoring().anchoredSeq()).isEqualTo(1_400);
            assertThat(whole.anchoring().problemCount()).isZero();

            Path archivedOnly = checkpoints(written.get(699));
            AuditVerifier.Result inArchive = new AuditVerifier(store, List.of(archivedOnly), KEY, archive).verify();
            assertThat(inArchive.intact()).as(inArchive.problem()).isTrue();
            assertThat(inArchive.anchoring().anchoredSeq())
                    .as("a checkpoint inside the archive is checked when the archive is read")
                    .isEqualTo(700);

            assertThat(retention(store, archive).pass())
                    .as("nothing more expired")
                    .isZero();
            assertThat(archive.segments()).hasSize(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aPassStoppedAfterTheArchiveStepIsFinishedByTheNextWithoutDuplicatesOrLosses(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            List<AuditEvent> written = fill(store);
            AuditArchive archive = new AuditArchive(dir.resolve("archive"));

            assertThat(retention(store, archive).pass(true)).isZero();
            assertThat(archive.segments()).hasSize(3);
            assertThat(store.anchor()).isEmpty();
            // An unfinished segment write left behind, too.
            Files.writeString(archive.directory().resolve(".segment-123.tmp"), "partial");
            AuditVerifier.Result between = new AuditVerifier(store, List.of(), KEY, archive).verify();
            assertThat(between.intact()).as(between.problem()).isTrue();
            assertThat(between.records()).isEqualTo(EXPIRED + RECENT);

            assertThat(retention(store, archive).pass()).isEqualTo(EXPIRED);

            assertThat(archive.segments())
                    .extracting(ArchiveSegment::firstSeq)
                    .as("no segment written twice")
                    .containsExactly(1L, 501L, 1_001L);
            try (Stream<Path> files = Files.list(archive.directory())) {
                assertThat(files.map(file -> file.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
            }
            List<Long> archived = new ArrayList<>();
            for (ArchiveSegment segment : archive.segments()) {
                assertThat(archive.read(segment, row -> archived.add(row.seq())))
                        .isTrue();
            }
            assertThat(archived).hasSize(EXPIRED).doesNotHaveDuplicates();
            AuditVerifier.Result whole = new AuditVerifier(store, List.of(), KEY, archive).verify();
            assertThat(whole.intact()).as(whole.problem()).isTrue();
            assertThat(whole.records()).isEqualTo(EXPIRED + RECENT);
            assertThat(whole.headHash()).isEqualTo(written.getLast().hash());
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aTamperedOrMissingSegmentFailsVerification(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            fill(store);
            AuditArchive archive = new AuditArchive(dir.resolve("archive"));
            retention(store, archive).pass();
            ArchiveSegment second = archive.segments().get(1);
            Path data = second.dataIn(archive.directory());
            byte[] original = Files.readAllBytes(data);

            rewrite(data, text -> text.replace("\\\"model\\\":\\\"m-600\\\"", "\\\"model\\\":\\\"m-999\\\""));
            AuditVerifier.Result altered = new AuditVerifier(store, List.of(), KEY, archive).verify();
            assertThat(altered.intact()).isFalse();
            assertThat(altered.firstBrokenSeq()).isEqualTo(601);
            assertThat(altered.problem()).contains("record altered");

            Files.write(data, original);
            Files.write(data, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
            AuditVerifier.Result appended = new AuditVerifier(store, List.of(), KEY, archive).verify();
            assertThat(appended.intact()).isFalse();
            assertThat(appended.problem()).contains("checksum");

            Files.write(data, original);
            assertThat(new AuditVerifier(store, List.of(), KEY, archive)
                            .verify()
                            .intact())
                    .isTrue();
            Files.delete(archive.directory().resolve(second.sidecarName()));
            AuditVerifier.Result missing = new AuditVerifier(store, List.of(), KEY, archive).verify();
            assertThat(missing.intact()).isFalse();
            assertThat(missing.firstBrokenSeq()).isEqualTo(501);
            assertThat(missing.problem()).contains("does not continue at record 501");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void theChainsHeadStaysInTheStoreEvenWhenEverythingExpired(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            List<AuditEvent> written = append(store, 0, 10, OLD);
            AuditArchive archive = new AuditArchive(dir.resolve("archive"));

            assertThat(retention(store, archive).pass()).isEqualTo(9);
            append(store, 10, 1, NOW);

            assertThat(store.headSeq()).isEqualTo(11);
            AuditVerifier.Result whole = new AuditVerifier(store, List.of(), KEY, archive).verify();
            assertThat(whole.intact()).as(whole.problem()).isTrue();
            assertThat(whole.records()).isEqualTo(11);
            assertThat(written.get(9).seq()).isEqualTo(10);
        }
    }

    private AuditRetention retention(AuditStore store, AuditArchive archive) {
        return new AuditRetention(
                store.maintenance(), archive, Duration.ofDays(30), Clock.fixed(NOW, ZoneOffset.UTC), SEGMENT);
    }

    /** {@value #EXPIRED} records of January, then {@value #RECENT} of now; every third with personal data. */
    private static List<AuditEvent> fill(AuditStore store) throws Exception {
        List<AuditEvent> written = new ArrayList<>(append(store, 0, EXPIRED, OLD));
        written.addAll(append(store, EXPIRED, RECENT, NOW.minusSeconds(3_600)));
        return written;
    }

    private static List<AuditEvent> append(AuditStore store, int from, int count, Instant start) throws Exception {
        List<AuditEvent> rows = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            rows.add(new AuditEvent(
                    0,
                    "r" + i,
                    AuditEvent.DENIED,
                    start.plusSeconds(i).toString(),
                    "usr_" + (i % 7),
                    "{\"model\":\"m-" + i + "\"}",
                    "",
                    "",
                    i % 3 == 0 ? PersonalData.of("{\"user\":\"u" + (i % 7) + "@example.com\"}") : null));
        }
        try (AuditAppender appender = store.appender()) {
            return appender.append(rows);
        }
    }

    private Path checkpoints(AuditEvent... rows) throws IOException {
        Path file = Files.createTempFile(dir, "checkpoints", ".jsonl");
        StringBuilder lines = new StringBuilder();
        for (AuditEvent row : rows) {
            lines.append(KEY.sign(new Checkpoint(row.seq(), row.hash(), OLD, null))
                            .toLine())
                    .append('\n');
        }
        Files.writeString(file, lines);
        return file;
    }

    private static void rewrite(Path gzip, java.util.function.UnaryOperator<String> change) throws IOException {
        String text;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzip))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String changed = change.apply(text);
        assertThat(changed).isNotEqualTo(text);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(changed.getBytes(StandardCharsets.UTF_8));
        }
        Files.write(gzip, bytes.toByteArray());
    }
}
