package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.Await;
import io.palisade.TestStores;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Group commit and chaining, on each store dialect. */
class AuditWriterTest {
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();

    @TempDir
    Path dir;

    @AfterEach
    void stopWatchdog() {
        watchdog.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void concurrentSubmissionsFormOneUnbrokenChainAcrossRestarts(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            try (AuditWriter writer = writer(store, 64)) {
                List<CompletableFuture<AuditEvent>> futures = submitConcurrently(writer, "r", 8, 100);
                for (CompletableFuture<AuditEvent> future : futures) {
                    assertThat(future.get().seq()).isPositive();
                }
            }
            try (AuditWriter reopened = writer(store, 64)) {
                assertThat(reopened.submit(event("after-restart")).get().seq()).isEqualTo(801);
            }
            AuditVerifier.Result result = new AuditVerifier(store).verify();
            assertThat(result.intact()).isTrue();
            assertThat(result.records()).isEqualTo(801);
        }
    }

    /**
     * Two replicas (each its own {@link Database}, pool or connections, and writer) appending to one
     * chain at the same time: the chain lock makes each batch link to the other's last commit.
     */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    void twoReplicasWritingAtOnceFormOneUnbrokenChain(Dialect dialect) throws Exception {
        String url = TestStores.newUrl(dialect, dir);
        try (Database first = Database.open(url);
                Database second = Database.open(url)) {
            List<CompletableFuture<AuditEvent>> futures = new ArrayList<>();
            try (AuditWriter one = writer(new AuditStore(first), 16);
                    AuditWriter two = writer(new AuditStore(second), 16)) {
                List<Thread> replicas = new ArrayList<>();
                for (AuditWriter writer : List.of(one, two)) {
                    replicas.add(Thread.ofPlatform().start(() -> {
                        List<CompletableFuture<AuditEvent>> submitted =
                                submitConcurrently(writer, writer == one ? "a" : "b", 8, 50);
                        synchronized (futures) {
                            futures.addAll(submitted);
                        }
                    }));
                }
                for (Thread replica : replicas) {
                    replica.join();
                }
                for (CompletableFuture<AuditEvent> future : futures) {
                    future.get();
                }
            }
            assertThat(futures).hasSize(800);
            assertThat(futures.stream()
                            .map(CompletableFuture::join)
                            .map(AuditEvent::seq)
                            .distinct())
                    .hasSize(800);
            AuditVerifier.Result result = new AuditVerifier(new AuditStore(first)).verify();
            assertThat(result.intact()).as(result.problem()).isTrue();
            assertThat(result.records()).isEqualTo(800);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void closeCommitsWhatWasQueued(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            AuditWriter writer = writer(store, 4);
            List<CompletableFuture<AuditEvent>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                futures.add(writer.submit(event("q" + i)));
            }
            writer.close();
            assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
            assertThat(writer.submit(event("late"))).isCompletedExceptionally();
            assertThat(new AuditVerifier(store).verify().records()).isEqualTo(50);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aFailedCommitFailsItsCallersAndTheChainStaysConsistent(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            try (AuditWriter writer = writer(store, 16)) {
                writer.submit(event("ok-1")).get();
                CompletableFuture<AuditEvent> failing =
                        writer.submit(new AuditEvent(0, null, "started", "t", null, "{}", "", ""));
                assertThat(failing).failsWithin(Duration.ofSeconds(5));
                assertThat(writer.healthy()).isFalse();
                assertThat(writer.submit(event("ok-2")).get().seq()).isEqualTo(2);
                assertThat(writer.healthy()).isTrue();
            }
            assertThat(new AuditVerifier(store).verify().intact()).isTrue();
        }
    }

    /** Unready after a failed commit, a replica gets no traffic; so the writer itself finds out when the store is back. */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    @Timeout(30)
    void aFailedCommitWithNothingAfterItIsReadyAgainOnceTheStoreIsProbed(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            AuditStore store = new AuditStore(database);
            try (AuditWriter writer =
                    new AuditWriter(store, 16, AuditWriter.CommitObserver.NONE, watchdog, Duration.ofMillis(300))) {
                writer.submit(event("ok-1")).get();
                assertThat(writer.submit(new AuditEvent(0, null, "started", "t", null, "{}", "", "")))
                        .failsWithin(Duration.ofSeconds(5));
                Await.until(Duration.ofSeconds(10), writer::healthy, "the writer healthy again after its probe");
                assertThat(writer.submit(event("ok-2")).get().seq())
                        .as("the probe stored nothing")
                        .isEqualTo(2);
            }
            assertThat(new AuditVerifier(store).verify().intact()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aBatchOfOnlyCompletedRowsLingersSoTheNextStartedRowSharesItsCommit(Dialect dialect) throws Exception {
        try (Database database = Database.open(TestStores.newUrl(dialect, dir))) {
            List<Integer> batches = java.util.Collections.synchronizedList(new ArrayList<>());
            AuditWriter.CommitObserver observer = new AuditWriter.CommitObserver() {
                @Override
                public void committed(int records, long nanos) {
                    batches.add(records);
                }

                @Override
                public void failed(int records) {}
            };
            try (AuditWriter writer = new AuditWriter(new AuditStore(database), 16, observer, watchdog)) {
                long alone = System.nanoTime();
                writer.submit(completed("c-0")).get();
                assertThat(System.nanoTime() - alone).isGreaterThanOrEqualTo(AuditWriter.LINGER_NANOS);
                batches.clear();

                long first = System.nanoTime();
                CompletableFuture<AuditEvent> completion = writer.submit(completed("c-1"));
                CompletableFuture<AuditEvent> start = writer.submit(event("s-2"));
                long second = System.nanoTime();
                assertThat(start.get().seq()).isEqualTo(completion.get().seq() + 1);
                // A "started" row queued within the linger always joins the lingering batch.
                if (second - first < AuditWriter.LINGER_NANOS) {
                    assertThat(batches).containsExactly(2);
                }
            }
        }
    }

    /**
     * A store that does not return (here: another connection holds the chain's lock) fails the
     * callers' futures after the longest wait, so they fail closed instead of hanging; once the
     * lock is free the writer goes on, and the rows it had are committed after all.
     */
    @ParameterizedTest
    @EnumSource(Dialect.class)
    @Timeout(30)
    void aCommitThatHangsFailsItsCallersAfterTheLongestWait(Dialect dialect) throws Exception {
        String url = TestStores.newUrl(dialect, dir);
        try (Database database = Database.open(url);
                Database other = Database.open(url)) {
            AuditStore store = new AuditStore(database);
            try (AuditWriter writer =
                    new AuditWriter(store, 16, AuditWriter.CommitObserver.NONE, watchdog, Duration.ofMillis(300))) {
                writer.submit(event("before")).get();
                try (Connection holder = other.connect();
                        Statement statement = holder.createStatement()) {
                    if (dialect == Dialect.SQLITE) {
                        statement.execute("BEGIN IMMEDIATE");
                    } else {
                        holder.setAutoCommit(false);
                        statement.execute("LOCK TABLE audit_events IN ACCESS EXCLUSIVE MODE");
                    }
                    long start = System.nanoTime();
                    CompletableFuture<AuditEvent> inCommit = writer.submit(event("in-commit"));
                    CompletableFuture<AuditEvent> queued = writer.submit(event("queued"));

                    assertThatThrownBy(inCommit::get).hasCauseInstanceOf(TimeoutException.class);
                    assertThatThrownBy(queued::get).hasCauseInstanceOf(TimeoutException.class);
                    assertThat(Duration.ofNanos(System.nanoTime() - start))
                            .isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
                    assertThat(writer.healthy())
                            .as("ready only once a commit succeeds again")
                            .isFalse();
                    statement.execute("ROLLBACK");
                }
                assertThat(writer.submit(event("after")).get().seq()).isEqualTo(4);
                assertThat(writer.healthy()).isTrue();
            }
            assertThat(new AuditVerifier(store).verify().intact()).isTrue();
        }
    }

    private AuditWriter writer(AuditStore store, int maxBatch) {
        return new AuditWriter(store, maxBatch, AuditWriter.CommitObserver.NONE, watchdog);
    }

    private static AuditEvent completed(String requestId) {
        return new AuditEvent(0, requestId, AuditEvent.COMPLETED, "2026-11-23T00:00:00Z", "usr_x", "{}", "", "");
    }

    /** {@code threads} threads each submit {@code perThread} events; returns every future once all are submitted. */
    private static List<CompletableFuture<AuditEvent>> submitConcurrently(
            AuditWriter writer, String prefix, int threads, int perThread) {
        List<CompletableFuture<AuditEvent>> futures = new ArrayList<>();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            started.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    CompletableFuture<AuditEvent> future = writer.submit(event(prefix + thread + "-" + i));
                    synchronized (futures) {
                        futures.add(future);
                    }
                }
            }));
        }
        try {
            for (Thread thread : started) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return futures;
    }

    private static AuditEvent event(String requestId) {
        return new AuditEvent(
                0,
                requestId,
                AuditEvent.STARTED,
                "2026-11-23T00:00:00Z",
                "usr_x",
                "{\"n\":\"" + requestId + "\"}",
                "",
                "");
    }
}
