package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.store.Database;
import io.palisade.store.UsageStore;
import java.nio.file.Path;
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
        try (UsageRecorder recorder = new UsageRecorder(store)) {
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
        try (UsageRecorder recorder = new UsageRecorder(store)) {
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicLong produced = new AtomicLong();
            Thread producer = Thread.ofPlatform().start(() -> {
                while (producing.get()) {
                    for (int i = 0; i < 20; i++) {
                        recorder.record(event((int) produced.getAndIncrement()));
                    }
                    LockSupport.parkNanos(50_000); // some 100,000 rows a second: more arrive during any write than it wrote
                }
            });
            try {
                LockSupport.parkNanos(300_000_000L);
                Thread flusher = Thread.ofPlatform().start(recorder::flush);
                flusher.join(10_000);
                assertThat(flusher.isAlive()).as("flush returned while rows kept arriving").isFalse();
            } finally {
                producing.set(false);
                producer.join();
            }
            recorder.flush();
            assertThat(requests()).isEqualTo(produced.get());
        }
    }

    private long requests() {
        return store.report(List.of("model"), "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z").stream()
                .mapToLong(UsageStore.UsageRow::requests).sum();
    }

    private static UsageStore.UsageEvent event(int n) {
        return new UsageStore.UsageEvent("2026-11-23T10:00:00Z", "2026-11-23", "req-" + n, "u1", "a@example.com", "team", "k1",
                "m", 10, 5, 0, false, null);
    }
}
