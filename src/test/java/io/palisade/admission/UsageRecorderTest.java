package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Await;
import io.palisade.store.Database;
import io.palisade.store.UsageStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageRecorderTest {
    @TempDir
    Path dir;

    private Database database;
    private UsageStore store;

    @BeforeEach
    void open() {
        database = Database.open("sqlite:" + dir.resolve("usage.db"));
        store = new UsageStore(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void flushWritesEverythingQueuedBeforeItInOneGo() {
        try (UsageRecorder recorder = new UsageRecorder(store, dir.resolve("usage-spool.jsonl"))) {
            for (int i = 0; i < 1_500; i++) {
                recorder.record(event(i));
            }
            recorder.flush();
            assertThat(requests()).isEqualTo(1_500);
        }
    }

    /**
     * Under steady load a flush must end: rows that arrive while it writes belong to the next one.
     * A flush that drained until the queue was empty never returned while requests kept coming,
     * writing one small transaction after another.
     */
    @Test
    void flushEndsWhileRowsKeepArriving() throws InterruptedException {
        try (UsageRecorder recorder = new UsageRecorder(store, dir.resolve("usage-spool.jsonl"))) {
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicLong produced = new AtomicLong();
            Thread producer = Thread.ofPlatform().start(() -> {
                while (producing.get()) {
                    for (int i = 0; i < 20; i++) {
                        recorder.record(event((int) produced.getAndIncrement()));
                    }
                    LockSupport.parkNanos(
                            50_000); // some 100,000 rows a second: more arrive during any write than it wrote
                }
            });
            try {
                // Rows counted, not a stretch of time: the flush starts with a backlog and rows still arriving.
                Await.until(Duration.ofSeconds(30), () -> produced.get() >= 10_000, "10,000 rows produced");
                Thread flusher = Thread.ofPlatform().start(recorder::flush);
                flusher.join(10_000);
                assertThat(flusher.isAlive())
                        .as("flush returned while rows kept arriving")
                        .isFalse();
            } finally {
                producing.set(false);
                producer.join();
            }
            recorder.flush();
            assertThat(requests()).isEqualTo(produced.get());
        }
    }

    /**
     * Issue 15, item 21: a real fault (the table renamed away under the recorder) made it log and
     * drop the rows; now they are kept and written by the recorder's own thread once the store is back.
     */
    @Test
    void rowsAreKeptWhileTheStoreFailsAndWrittenByTheRecorderOnceItIsBack() throws Exception {
        try (UsageRecorder recorder = new UsageRecorder(store, dir.resolve("usage-spool.jsonl"))) {
            execute("ALTER TABLE usage_events RENAME TO usage_events_away");
            for (int i = 0; i < 300; i++) {
                recorder.record(event(i));
            }
            recorder.flush();
            assertThat(recorder.backlogRows()).isEqualTo(300);
            assertThat(recorder.writeFailures()).isPositive();

            execute("ALTER TABLE usage_events_away RENAME TO usage_events");
            Await.until(
                    Duration.ofSeconds(30),
                    () -> recorder.backlogRows() == 0,
                    "the backlog written by the recorder's own retry");
            assertThat(recorder.backlogRows())
                    .as("written by the recorder's own retry")
                    .isZero();
            assertThat(requests()).isEqualTo(300);
        }
    }

    /**
     * A batch that failed halfway (its first transaction committed, its second aborted by a
     * trigger) is written again whole: the rows already stored must not count twice.
     */
    @Test
    void aBatchThatFailedHalfwayIsWrittenAgainWithoutCountingTwice() throws Exception {
        try (UsageRecorder recorder = new UsageRecorder(store, dir.resolve("usage-spool.jsonl"))) {
            execute("CREATE TRIGGER usage_fault BEFORE INSERT ON usage_events WHEN NEW.request_id = 'req-400'"
                    + " BEGIN SELECT RAISE(ABORT, 'injected fault'); END");
            for (int i = 0; i < 600; i++) {
                recorder.record(event(i));
            }
            recorder.flush();
            assertThat(requests())
                    .as("the first transaction of the batch is stored")
                    .isBetween(1L, 599L);
            assertThat(recorder.backlogRows()).isEqualTo(600);

            execute("DROP TRIGGER usage_fault");
            recorder.flush();
            assertThat(requests()).isEqualTo(600);
            assertThat(recorder.backlogRows()).isZero();
        }
    }

    /**
     * Past its memory bound, and at close while the store still fails, the backlog goes to the
     * spool file, which the next start replays; replaying the same spool again adds nothing.
     */
    @Test
    // "try": starting a recorder replays the spool, which is what the second block checks; it is only closed.
    @SuppressWarnings("try")
    void theBacklogSpillsToTheSpoolWhichTheNextStartReplaysOnce() throws Exception {
        Path spool = dir.resolve("data").resolve("usage-spool.jsonl");
        execute("ALTER TABLE usage_events RENAME TO usage_events_away");
        try (UsageRecorder recorder = new UsageRecorder(store, spool, 100)) {
            for (int i = 0; i < 250; i++) {
                recorder.record(event(i));
            }
            recorder.flush();
            assertThat(Files.readAllLines(spool))
                    .as("over the memory bound: spooled")
                    .hasSize(250);
            for (int i = 250; i < 270; i++) {
                recorder.record(event(i));
            }
            recorder.flush();
            assertThat(recorder.backlogRows()).isEqualTo(270);
        }
        assertThat(Files.readAllLines(spool))
                .as("closed while failing: everything spooled")
                .hasSize(270);
        Path copy = dir.resolve("spool-copy.jsonl");
        Files.copy(spool, copy);

        execute("ALTER TABLE usage_events_away RENAME TO usage_events");
        try (UsageRecorder recorder = new UsageRecorder(store, spool, 100)) {
            assertThat(requests()).as("replayed at start").isEqualTo(270);
            assertThat(recorder.backlogRows()).isZero();
            assertThat(spool).doesNotExist();
        }
        Files.copy(copy, spool);
        try (UsageRecorder recorder = new UsageRecorder(store, spool, 100)) {
            assertThat(requests())
                    .as("a replay of rows stored already adds nothing")
                    .isEqualTo(270);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private long requests() {
        return store.report(List.of("model"), "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z").stream()
                .mapToLong(UsageStore.UsageRow::requests)
                .sum();
    }

    private static UsageStore.UsageEvent event(int n) {
        return new UsageStore.UsageEvent(
                "2026-11-23T10:00:00Z",
                "2026-11-23",
                "req-" + n,
                "u1",
                "a@example.com",
                "team",
                "k1",
                "m",
                10,
                5,
                0,
                false,
                null);
    }
}
