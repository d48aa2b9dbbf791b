package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.store.AuditStore;
import io.palisade.store.Database;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditWriterTest {
    @Test
    void concurrentSubmissionsFormOneUnbrokenChainAcrossRestarts(@TempDir Path dir) throws Exception {
        Database database = Database.open("sqlite:" + dir.resolve("a.db"));
        AuditStore store = new AuditStore(database);
        try (AuditWriter writer = new AuditWriter(store, 64)) {
            List<CompletableFuture<AuditEvent>> futures = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 100; i++) {
                        CompletableFuture<AuditEvent> future = writer.submit(event("r" + thread + "-" + i));
                        synchronized (futures) {
                            futures.add(future);
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            for (CompletableFuture<AuditEvent> future : futures) {
                assertThat(future.get().seq()).isPositive();
            }
        }
        try (AuditWriter reopened = new AuditWriter(store, 64)) {
            assertThat(reopened.submit(event("after-restart")).get().seq()).isEqualTo(801);
        }
        AuditVerifier.Result result = new AuditVerifier(store).verify();
        assertThat(result.intact()).isTrue();
        assertThat(result.records()).isEqualTo(801);
    }

    @Test
    void closeCommitsWhatWasQueued(@TempDir Path dir) throws Exception {
        AuditStore store = new AuditStore(Database.open("sqlite:" + dir.resolve("b.db")));
        AuditWriter writer = new AuditWriter(store, 4);
        List<CompletableFuture<AuditEvent>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(writer.submit(event("q" + i)));
        }
        writer.close();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(writer.submit(event("late"))).isCompletedExceptionally();
        assertThat(new AuditVerifier(store).verify().records()).isEqualTo(50);
    }

    @Test
    void aFailedCommitFailsItsCallersAndTheChainStaysConsistent(@TempDir Path dir) throws Exception {
        AuditStore store = new AuditStore(Database.open("sqlite:" + dir.resolve("c.db")));
        try (AuditWriter writer = new AuditWriter(store, 16)) {
            writer.submit(event("ok-1")).get();
            CompletableFuture<AuditEvent> failing = writer.submit(new AuditEvent(0, null, "started", "t", null, "{}", "", ""));
            assertThat(failing).failsWithin(java.time.Duration.ofSeconds(5));
            assertThat(writer.healthy()).isFalse();
            assertThat(writer.submit(event("ok-2")).get().seq()).isEqualTo(2);
            assertThat(writer.healthy()).isTrue();
        }
        assertThat(new AuditVerifier(store).verify().intact()).isTrue();
    }

    private static AuditEvent event(String requestId) {
        return new AuditEvent(0, requestId, AuditEvent.STARTED, "2026-11-23T00:00:00Z", "usr_x", "{\"n\":\"" + requestId + "\"}", "", "");
    }
}
