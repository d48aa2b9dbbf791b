package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Await;
import io.palisade.TestGateway;
import io.palisade.TestStores;
import io.palisade.config.Secret;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 15, item 3: the chain anchored outside its store. Rows are written through the real
 * {@link AuditWriter} with a real {@link CheckpointWriter} attached as the gateway wires it; the
 * store is then tampered with over plain SQL, as an attacker with write access to it would.
 */
class AuditCheckpointTest {
    private static final CheckpointKey KEY = CheckpointKey.of(Secret.of("k".repeat(40), "test"));
    /** Long enough that only the record count and close() write checkpoints, so each test controls them. */
    private static final Duration NEVER = Duration.ofHours(1);

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    Path dir;

    @AfterEach
    void stopWatchdog() {
        watchdog.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aCleanChainIsIntactAndAnchoredUpToItsHead(Dialect dialect) throws Exception {
        Path file = dir.resolve("checkpoints.jsonl");
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            write(store, file, 50);
            AuditVerifier.Result result = new AuditVerifier(store, List.of(file), KEY).verify();
            assertThat(result.intact()).as(result.problem()).isTrue();
            assertThat(result.records()).isEqualTo(50);
            assertThat(result.anchoring().anchoredSeq())
                    .as("close() anchors the last head")
                    .isEqualTo(50);
            assertThat(result.anchoring().signaturesChecked()).isTrue();
            assertThat(result.anchoring().anchoredBy()).startsWith(file.toString() + ":");
            assertThat(result.anchoring().problemCount()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void deletingTheNewestRowsIsReportedAsAMissingTail(Dialect dialect) throws Exception {
        Path file = dir.resolve("checkpoints.jsonl");
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            write(store, file, 50);
            execute(database, "DELETE FROM audit_events WHERE seq > 47");

            assertThat(new AuditVerifier(store).verify().intact())
                    .as("the chain alone cannot tell")
                    .isTrue();
            AuditVerifier.Result result = new AuditVerifier(store, List.of(file), KEY).verify();
            assertThat(result.intact()).isFalse();
            assertThat(result.firstBrokenSeq()).isEqualTo(48);
            assertThat(result.problem())
                    .contains("records 48 to 50 are missing")
                    .contains("the chain ends at record 47");
            assertThat(result.anchoring().problems())
                    .extracting(AuditVerifier.Problem::kind)
                    .containsExactly(AuditVerifier.ProblemKind.MISSING_TAIL);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void reHashingAfterDeletingAMiddleAndTheLastRowIsReportedAsRewrittenHistory(Dialect dialect) throws Exception {
        Path file = dir.resolve("checkpoints.jsonl");
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            try (CheckpointWriter checkpoints =
                            new CheckpointWriter(file, KEY, NEVER, Long.MAX_VALUE, Clock.systemUTC());
                    AuditWriter writer = writer(store, checkpoints)) {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 10; i++) {
                        writer.submit(event("r" + round + "-" + i)).get();
                    }
                    // Checkpoints at 10, 20 and 30: the head was handed over before the futures completed.
                    checkpoints.writeIfMoved();
                }
            }
            assertThat(Files.readAllLines(file)).hasSize(3);

            List<AuditEvent> kept = new ArrayList<>();
            store.scan(event -> {
                if (event.seq() != 15 && event.seq() != 30) {
                    kept.add(event);
                }
            });
            rechain(database, kept);

            assertThat(new AuditVerifier(store).verify().intact())
                    .as("re-hashed: the chain alone is consistent")
                    .isTrue();
            AuditVerifier.Result result = new AuditVerifier(store, List.of(file), KEY).verify();
            assertThat(result.intact()).isFalse();
            assertThat(result.anchoring().problems())
                    .extracting(AuditVerifier.Problem::kind)
                    .containsExactly(AuditVerifier.ProblemKind.REWRITTEN, AuditVerifier.ProblemKind.MISSING_TAIL);
            assertThat(result.problem())
                    .contains("record 20 does not have the hash")
                    .contains("after record 10");
            assertThat(result.anchoring().anchoredSeq())
                    .as("the prefix still proven")
                    .isEqualTo(10);
        }
    }

    @Test
    void aTamperedSignatureOrAnUnsignedCheckpointIsReportedAndAnchorsNothing() throws Exception {
        Path file = dir.resolve("checkpoints.jsonl");
        try (Database database = Database.open(TestStores.newUrl(Dialect.SQLITE, dir))) {
            AuditStore store = new AuditStore(database);
            write(store, file, 20);
            execute(database, "DELETE FROM audit_events WHERE seq > 10");
            // The attacker re-points the checkpoint at the truncated head, keeping the old signature, and adds an
            // unsigned one.
            List<String> head = new ArrayList<>();
            store.scan(event -> head.add(event.hash()));
            Checkpoint original = Checkpoint.parse(Files.readAllLines(file).getLast());
            Checkpoint forged = new Checkpoint(10, head.getLast(), original.at(), original.mac());
            Files.writeString(
                    file,
                    forged.toLine() + "\n" + new Checkpoint(10, head.getLast(), original.at(), null).toLine() + "\n");

            AuditVerifier.Result result = new AuditVerifier(store, List.of(file), KEY).verify();
            assertThat(result.intact()).isFalse();
            assertThat(result.anchoring().problems())
                    .extracting(AuditVerifier.Problem::kind)
                    .containsExactly(
                            AuditVerifier.ProblemKind.BAD_SIGNATURE, AuditVerifier.ProblemKind.UNSIGNED_CHECKPOINT);
            assertThat(result.problem()).contains(file + ":1").contains("bad signature");
            assertThat(result.anchoring().anchoredSeq()).isZero();

            AuditVerifier.Result otherKey = new AuditVerifier(
                            store, List.of(file), CheckpointKey.of(Secret.of("x".repeat(40), "test")))
                    .verify();
            assertThat(otherKey.anchoring().problems())
                    .extracting(AuditVerifier.Problem::kind)
                    .contains(AuditVerifier.ProblemKind.BAD_SIGNATURE);
            AuditVerifier.Result noKey = new AuditVerifier(store, List.of(file), CheckpointKey.NONE).verify();
            assertThat(noKey.intact())
                    .as("without the key a forged file cannot be told: what the key is for")
                    .isTrue();
            assertThat(noKey.anchoring().signaturesChecked()).isFalse();
        }
    }

    /** Each replica writes its own file; every checkpoint names a record of the one shared chain. */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    @Timeout(60)
    void replicasWithTheirOwnFilesAnchorTheirSharedChain(Dialect dialect) throws Exception {
        String url = TestStores.newUrl(dialect, dir);
        Path fileA = dir.resolve("replica-a.jsonl");
        Path fileB = dir.resolve("replica-b.jsonl");
        try (Database first = Database.open(url);
                Database second = Database.open(url)) {
            List<CompletableFuture<AuditEvent>> futures = new ArrayList<>();
            try (CheckpointWriter checkpointsA =
                            new CheckpointWriter(fileA, KEY, Duration.ofMillis(100), 7, Clock.systemUTC());
                    CheckpointWriter checkpointsB =
                            new CheckpointWriter(fileB, KEY, Duration.ofMillis(100), 7, Clock.systemUTC());
                    AuditWriter a = writer(new AuditStore(first), checkpointsA);
                    AuditWriter b = writer(new AuditStore(second), checkpointsB)) {
                for (int i = 0; i < 100; i++) {
                    futures.add(a.submit(event("a" + i)));
                    futures.add(b.submit(event("b" + i)));
                }
                for (CompletableFuture<AuditEvent> future : futures) {
                    future.get();
                }
            }
            AuditStore store = new AuditStore(first);
            AuditVerifier.Result result = new AuditVerifier(store, List.of(fileA, fileB), KEY).verify();
            assertThat(result.intact()).as(result.problem()).isTrue();
            assertThat(result.anchoring().anchoredSeq())
                    .as("one of the replicas committed the last row")
                    .isEqualTo(200);
            assertThat(result.anchoring().checkpoints()).isGreaterThanOrEqualTo(2);

            execute(first, "DELETE FROM audit_events WHERE seq > 190");
            AuditVerifier.Result truncated = new AuditVerifier(store, List.of(fileA, fileB), KEY).verify();
            assertThat(truncated.intact()).isFalse();
            assertThat(truncated.anchoring().problems())
                    .extracting(AuditVerifier.Problem::kind)
                    .contains(AuditVerifier.ProblemKind.MISSING_TAIL);
        }
    }

    @Test
    @Timeout(30)
    void theRecordCountWritesACheckpointWithoutWaitingForTheInterval() throws Exception {
        Path file = dir.resolve("checkpoints.jsonl");
        try (Database database = Database.open(TestStores.newUrl(Dialect.SQLITE, dir));
                CheckpointWriter checkpoints =
                        new CheckpointWriter(file, CheckpointKey.NONE, NEVER, 5, Clock.systemUTC());
                AuditWriter writer = writer(new AuditStore(database), checkpoints)) {
            for (int i = 0; i < 5; i++) {
                writer.submit(event("e" + i)).get();
            }
            Await.until(
                    Duration.ofSeconds(10),
                    () -> {
                        try {
                            return Files.readString(file).endsWith("\n");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    },
                    "the checkpoint line written whole");
            Checkpoint checkpoint = Checkpoint.parse(Files.readAllLines(file).getFirst());
            assertThat(checkpoint.seq()).isEqualTo(5);
            assertThat(checkpoint.mac()).isNull();
        }
    }

    /** A file moved away (rotated, or removed to hide checkpoints) is not written on unseen: a new one is started. */
    @Test
    void aFileMovedAwayWhileInUseIsStartedAgain() throws Exception {
        Path file = dir.resolve("checkpoints.jsonl");
        try (Database database = Database.open(TestStores.newUrl(Dialect.SQLITE, dir));
                CheckpointWriter checkpoints =
                        new CheckpointWriter(file, KEY, NEVER, Long.MAX_VALUE, Clock.systemUTC());
                AuditWriter writer = writer(new AuditStore(database), checkpoints)) {
            writer.submit(event("one")).get();
            checkpoints.writeIfMoved();
            Files.move(file, dir.resolve("rotated.jsonl"));
            writer.submit(event("two")).get();
            checkpoints.writeIfMoved();
            assertThat(Files.readAllLines(file))
                    .hasSize(1)
                    .allSatisfy(line -> assertThat(Checkpoint.parse(line).seq()).isEqualTo(2));
            assertThat(Files.readAllLines(dir.resolve("rotated.jsonl"))).hasSize(1);
        }
    }

    /** A file that cannot be written makes the writer unhealthy (gauge, alert) without failing commits; it recovers by itself. */
    @Test
    void aFileThatCannotBeWrittenIsReportedAndRetried() throws Exception {
        Path file = dir.resolve("checkpoints.jsonl");
        try (Database database = Database.open(TestStores.newUrl(Dialect.SQLITE, dir));
                CheckpointWriter checkpoints =
                        new CheckpointWriter(file, KEY, NEVER, Long.MAX_VALUE, Clock.systemUTC());
                AuditWriter writer = writer(new AuditStore(database), checkpoints)) {
            Files.move(file, dir.resolve("away.jsonl"));
            Files.createDirectory(file);
            writer.submit(event("one")).get();
            checkpoints.writeIfMoved();
            assertThat(checkpoints.healthy()).isFalse();
            assertThat(writer.submit(event("two")).get().seq())
                    .as("commits go on")
                    .isEqualTo(2);

            Files.delete(file);
            checkpoints.writeIfMoved();
            assertThat(checkpoints.healthy()).isTrue();
            assertThat(Checkpoint.parse(Files.readAllLines(file).getFirst()).seq())
                    .isEqualTo(2);
        }
    }

    @Test
    void linesThatAreNotCheckpointsAreReportedWithBoundedMemory() throws Exception {
        Path file = dir.resolve("checkpoints.jsonl");
        try (Database database = Database.open(TestStores.newUrl(Dialect.SQLITE, dir))) {
            AuditStore store = new AuditStore(database);
            write(store, file, 3);
            Files.writeString(
                    file,
                    "not json\n" + "x".repeat(1_000_000)
                            + "\n{\"seq\":0,\"hash\":\"00\",\"at\":\"now\"}\n{\"seq\":3,\"ha",
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
            AuditVerifier.Result result =
                    new AuditVerifier(store, List.of(file, dir.resolve("absent.jsonl")), KEY).verify();
            assertThat(result.intact()).isFalse();
            assertThat(result.anchoring().problems())
                    .extracting(AuditVerifier.Problem::kind)
                    .containsExactly(
                            AuditVerifier.ProblemKind.MALFORMED_CHECKPOINT,
                            AuditVerifier.ProblemKind.MALFORMED_CHECKPOINT,
                            AuditVerifier.ProblemKind.MALFORMED_CHECKPOINT);
            assertThat(result.anchoring().problems().get(1).detail()).contains(":3: line longer than");
            assertThat(result.anchoring().anchoredSeq())
                    .as("the good line still anchors")
                    .isEqualTo(3);
            assertThat(result.anchoring().missingFiles()).containsExactly(dir.resolve("absent.jsonl"));
        }
    }

    /** The log carries every checkpoint too: its lines, console or JSON format, verify like the file's. */
    @Test
    void linesOfTheLogAreCheckpointsToo() throws Exception {
        Path file = dir.resolve("checkpoints.jsonl");
        try (Database database = Database.open(TestStores.newUrl(Dialect.SQLITE, dir))) {
            AuditStore store = new AuditStore(database);
            write(store, file, 12);
            String checkpoint = Files.readAllLines(file).getLast();
            Path log = dir.resolve("palisade.log");
            Files.writeString(
                    log,
                    "22:09:07.984 INFO  i.p.a.CheckpointWriter - audit checkpoint " + checkpoint + "\n"
                            + TestGateway.JSON
                                    .createObjectNode()
                                    .put("level", "INFO")
                                    .put("message", "audit checkpoint " + checkpoint)
                            + "\n");
            AuditVerifier.Result result = new AuditVerifier(store, List.of(log), KEY).verify();
            assertThat(result.intact()).as(result.problem()).isTrue();
            assertThat(result.anchoring().checkpoints()).isEqualTo(2);
            assertThat(result.anchoring().anchoredSeq()).isEqualTo(12);

            execute(database, "DELETE FROM audit_events WHERE seq = 12");
            assertThat(new AuditVerifier(store, List.of(log), KEY).verify().problem())
                    .contains("record 12 is missing from the end");
        }
    }

    @Test
    void aSignatureCoversEveryField() {
        Checkpoint checkpoint =
                KEY.sign(new Checkpoint(7, "a".repeat(64), java.time.Instant.parse("2026-12-07T22:00:00Z"), null));
        assertThat(KEY.verifies(checkpoint)).isTrue();
        assertThat(KEY.verifies(new Checkpoint(8, checkpoint.hash(), checkpoint.at(), checkpoint.mac())))
                .isFalse();
        assertThat(KEY.verifies(new Checkpoint(7, "b".repeat(64), checkpoint.at(), checkpoint.mac())))
                .isFalse();
        assertThat(KEY.verifies(
                        new Checkpoint(7, checkpoint.hash(), checkpoint.at().plusSeconds(1), checkpoint.mac())))
                .isFalse();
    }

    /** Writes {@code count} rows through the writer with checkpoints attached, then closes both as the gateway does. */
    private void write(AuditStore store, Path file, int count) throws Exception {
        try (CheckpointWriter checkpoints = new CheckpointWriter(file, KEY, NEVER, Long.MAX_VALUE, Clock.systemUTC())) {
            try (AuditWriter writer = writer(store, checkpoints)) {
                List<CompletableFuture<AuditEvent>> futures = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    futures.add(writer.submit(event("e" + i)));
                }
                for (CompletableFuture<AuditEvent> future : futures) {
                    future.get();
                }
            }
        }
    }

    private AuditWriter writer(AuditStore store, CheckpointWriter checkpoints) {
        return new AuditWriter(
                store,
                16,
                new AuditWriter.CommitObserver() {
                    @Override
                    public void committed(int records, long nanos) {}

                    @Override
                    public void failed(int records) {}

                    @Override
                    public void headCommitted(long seq, String hash) {
                        checkpoints.headCommitted(seq, hash);
                    }
                },
                watchdog);
    }

    /** What an attacker who can write the store does after removing rows: renumber and re-hash the rest into a consistent chain. */
    private static void rechain(Database database, List<AuditEvent> rows) throws Exception {
        try (Connection connection = database.connect()) {
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM audit_events");
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO audit_events (seq, request_id, kind, at, user_id, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                String previous = HashChain.GENESIS;
                long seq = 0;
                for (AuditEvent row : rows) {
                    AuditEvent linked = row.chained(++seq, previous);
                    previous = linked.hash();
                    insert.setLong(1, linked.seq());
                    insert.setString(2, linked.requestId());
                    insert.setString(3, linked.kind());
                    insert.setString(4, linked.at());
                    insert.setString(5, linked.userId());
                    insert.setString(6, linked.body());
                    insert.setString(7, linked.prevHash());
                    insert.setString(8, linked.hash());
                    insert.executeUpdate();
                }
            }
        }
    }

    private static void execute(Database database, String sql) throws Exception {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    private static AuditEvent event(String requestId) {
        return new AuditEvent(
                0,
                requestId,
                AuditEvent.STARTED,
                "2026-12-07T22:00:00Z",
                "usr_x",
                "{\"n\":\"" + requestId + "\"}",
                "",
                "");
    }
}
