package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.MutableClock;
import io.palisade.TestPostgres;
import io.palisade.audit.AuditStore;
import io.palisade.audit.AuditTrail;
import io.palisade.audit.AuditWriter;
import io.palisade.audit.OpenRequests;
import io.palisade.audit.RequestRecord;
import io.palisade.store.Database;
import io.palisade.store.InstanceStore;
import io.palisade.store.UsageStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * Replicas on one PostgreSQL store: a replica's requests in flight are charged only once it is
 * dead (heartbeat older than {@link AbandonedReservations#DEAD_AFTER}), never while it lives, and once.
 */
class AbandonedReservationsTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void onlyASilentReplicasOpenRequestsAreChargedAndOnlyOnce() throws Exception {
        MutableClock clock = new MutableClock(T0);
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try (Database database = Database.open(TestPostgres.newDatabaseUrl());
                AuditWriter writer =
                        new AuditWriter(new AuditStore(database), 16, AuditWriter.CommitObserver.NONE, watchdog)) {
            AuditStore audit = new AuditStore(database);
            UsageStore usage = new UsageStore(database);
            Replica crashed = new Replica("crashed", database, writer, clock);
            Replica live = new Replica("live", database, writer, clock);
            Replica survivor = new Replica("survivor", database, writer, clock);
            crashed.open("req_crashed", 30, 100, 7);
            crashed.reservations.heartbeat();
            live.open("req_live", 40, 50, 0);

            clock.advance(Duration.ofSeconds(25));
            live.reservations.heartbeat();
            survivor.reservations.heartbeat();
            assertThat(survivor.reservations.sweep())
                    .as("25 s without a heartbeat is not dead yet")
                    .isZero();

            clock.advance(Duration.ofSeconds(10));
            live.reservations.heartbeat();
            assertThat(survivor.reservations.sweep())
                    .as("the silent replica's one open request")
                    .isEqualTo(1);
            assertThat(live.reservations.sweep())
                    .as("claimed and charged already")
                    .isZero();
            assertThat(survivor.reservations.sweep()).isZero();

            List<UsageStore.UsageRow> rows = usage.report(List.of("model"), null, null);
            assertThat(rows).hasSize(1);
            assertThat(rows.getFirst().promptTokens()).isEqualTo(30);
            assertThat(rows.getFirst().completionTokens()).isEqualTo(100);
            assertThat(rows.getFirst().costMicros()).isEqualTo(7);
            assertThat(audit.hasOutcome("req_crashed", 0)).isTrue();
            assertThat(audit.hasOutcome("req_live", 0))
                    .as("a live replica's request in flight is left alone")
                    .isFalse();
        } finally {
            watchdog.shutdownNow();
        }
    }

    /** One process' view: its identity, its audit trail and its sweeper. */
    private final class Replica {
        final OpenRequests open;
        final AuditTrail trail;
        final AbandonedReservations reservations;

        Replica(String id, Database database, AuditWriter writer, MutableClock clock) {
            AuditStore audit = new AuditStore(database);
            open = new OpenRequests(id, audit.lastSeq());
            trail = new AuditTrail(writer, clock, json, open);
            reservations = new AbandonedReservations(
                    new InstanceStore(database),
                    audit,
                    new UsageStore(database),
                    trail,
                    open,
                    database.dialect(),
                    clock,
                    json,
                    charged -> {});
            reservations.register();
        }

        /** A request whose "started" row is committed and whose answer never ends. */
        void open(String requestId, long prompt, long completion, long cost) {
            RequestRecord record =
                    new RequestRecord(requestId, T0, System.nanoTime(), "10.0.0.1", "POST", "/v1/chat/completions");
            record.requestedModel("llama3.2:1b");
            record.reserved("res_" + requestId, "llama3.2:1b", prompt, completion, cost);
            trail.started(record);
        }
    }
}
