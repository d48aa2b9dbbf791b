package io.palisade.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.audit.AuditEvent;
import io.palisade.audit.AuditStore;
import io.palisade.audit.AuditTrail;
import io.palisade.audit.OpenRequests;
import io.palisade.store.Dialect;
import io.palisade.store.InstanceStore;
import io.palisade.store.UsageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges the requests a dead process left in flight. Every serving process is an instance
 * ({@link InstanceStore}) that beats a heartbeat with its {@link OpenRequests#watermark}; its
 * "started" rows name it and carry what admission reserved. An instance that did not stop
 * cleanly is dead when, on SQLite (one serving process per store file), this process started after
 * it, and on PostgreSQL when its heartbeat is older than {@link #DEAD_AFTER}. One live process
 * claims a dead instance, then pages through the "started" rows above its watermark, and charges
 * each of that instance's requests without an outcome its reservation: a usage row under the
 * reservation id unless one exists (so settled usage or an earlier, cut-short sweep is never
 * counted twice), then an "abandoned" completion in the audit chain (so the next sweep skips it).
 * Thread-safe; {@link #sweep} runs on one thread at a time.
 */
public final class AbandonedReservations {
    private static final Logger LOG = LoggerFactory.getLogger(AbandonedReservations.class);
    /** Written and read by the heartbeat's thread only. */
    private boolean takenForDead;

    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** Six missed heartbeats: a process paused by a long GC or a slow store is not taken for dead. */
    public static final Duration DEAD_AFTER = Duration.ofSeconds(30);

    private static final int PAGE = 500;
    private static final int INSTANCES_PER_SWEEP = 100;
    private static final Duration KEEP_ENDED = Duration.ofDays(7);

    private final InstanceStore instances;
    private final AuditStore audit;
    private final UsageStore usage;
    private final AuditTrail trail;
    private final OpenRequests open;
    private final Dialect dialect;
    private final Clock clock;
    private final ObjectMapper json;
    private final LongConsumer chargedObserver;

    /** {@code chargedObserver} hears how many requests each dead instance was charged (the metric). */
    public AbandonedReservations(
            InstanceStore instances,
            AuditStore audit,
            UsageStore usage,
            AuditTrail trail,
            OpenRequests open,
            Dialect dialect,
            Clock clock,
            ObjectMapper json,
            LongConsumer chargedObserver) {
        this.chargedObserver = chargedObserver;
        this.instances = instances;
        this.audit = audit;
        this.usage = usage;
        this.trail = trail;
        this.open = open;
        this.dialect = dialect;
        this.clock = clock;
        this.json = json;
    }

    /** Registers this process; before its first request. */
    public void register() {
        instances.register(open.instanceId(), clock.millis(), open.watermark());
    }

    public void heartbeat() {
        try {
            if (!instances.heartbeat(open.instanceId(), clock.millis(), open.watermark()) && !takenForDead) {
                // Another replica found this one silent past DEAD_AFTER (a store outage or a long
                // pause) and charged its open requests: their own settles will now count them again.
                takenForDead = true;
                LOG.error("this process was taken for dead by another replica, which charged its open requests; "
                        + "usage of requests open at that moment may be counted twice: restart this process");
            }
        } catch (RuntimeException e) {
            LOG.warn("could not record this instance's heartbeat: {}", e.getMessage());
        }
    }

    /**
     * A clean stop, after the listener closed and every audit row is committed. A request still
     * open then (one that outlived the shutdown) leaves the instance not ended: the next start
     * charges it like a crash's.
     */
    public void ended() {
        if (open.anyOpen()) {
            LOG.warn("stopping with requests still open; the next start charges their reservations");
            return;
        }
        try {
            instances.ended(open.instanceId(), clock.millis());
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not record this instance's clean stop (its requests will be looked for): {}",
                    e.getMessage());
        }
    }

    /** Charges every dead instance found now; returns how many requests were charged. Never throws. */
    public synchronized long sweep() {
        long total = 0;
        try {
            long now = clock.millis();
            long aliveSince = now - DEAD_AFTER.toMillis();
            // SQLite: this process owns the store file, so every instance that did not end is dead.
            long beatBefore = dialect == Dialect.SQLITE ? Long.MAX_VALUE : aliveSince;
            for (InstanceStore.Instance dead : instances.silent(open.instanceId(), beatBefore, INSTANCES_PER_SWEEP)) {
                if (!instances.claim(
                        dead.id(), open.instanceId(), dialect == Dialect.SQLITE ? Long.MAX_VALUE : aliveSince)) {
                    continue;
                }
                long charged = charge(dead);
                instances.charged(dead.id(), clock.millis(), charged);
                total += charged;
                chargedObserver.accept(charged);
                if (charged > 0) {
                    LOG.warn(
                            "charged {} request(s) left in flight by instance {}, which stopped without ending them"
                                    + " (last heartbeat {}): each at its reservation",
                            charged,
                            dead.id(),
                            Instant.ofEpochMilli(dead.heartbeatMillis()));
                }
            }
            instances.forgetEnded(now - KEEP_ENDED.toMillis());
        } catch (RuntimeException e) {
            LOG.error(
                    "could not charge the requests of dead instances (retried at the next sweep): {}", e.getMessage());
        }
        return total;
    }

    private long charge(InstanceStore.Instance dead) {
        long charged = 0;
        long after = dead.watermarkSeq();
        while (true) {
            List<AuditEvent> page = audit.startedAfter(after, PAGE);
            for (AuditEvent started : page) {
                after = started.seq();
                ObjectNode body = parse(started.body());
                if (body == null
                        || !dead.id().equals(body.path("instance").asText(null))
                        || !body.hasNonNull("reservation_id")
                        || audit.hasOutcome(started.requestId(), started.seq())) {
                    continue;
                }
                if (chargeOne(started, body)) {
                    charged++;
                }
            }
            if (page.size() < PAGE) {
                return charged;
            }
        }
    }

    /** The usage row first, then the completion: a sweep cut between the two finds the row and only completes. */
    private boolean chargeOne(AuditEvent started, ObjectNode body) {
        long prompt = body.path("reserved_prompt_tokens").asLong();
        long completion = body.path("reserved_completion_tokens").asLong();
        long cost = body.path("reserved_cost_micros").asLong();
        String reservation = body.path("reservation_id").asText();
        Instant at = Instant.parse(started.at());
        boolean stored = usage.insertIfAbsent(
                new UsageStore.UsageEvent(
                        started.at(),
                        at.atZone(ZoneOffset.UTC).toLocalDate().toString(),
                        reservation,
                        text(body, "user_id"),
                        text(body, "user"),
                        text(body, "team"),
                        text(body, "key_id"),
                        text(body, "reserved_model"),
                        prompt,
                        completion,
                        cost,
                        false,
                        null),
                started.requestId());
        ObjectNode outcome = json.createObjectNode();
        outcome.put("reason", "abandoned");
        outcome.put("message", "the process serving this request stopped before it ended; charged its reservation");
        outcome.put("charged_by", open.instanceId());
        if (stored) {
            outcome.put("prompt_tokens", prompt);
            outcome.put("completion_tokens", completion);
            outcome.put("cost_micros", cost);
        } else {
            // settled before the crash (only its completion was lost), or charged by a sweep cut short
            outcome.put("usage_already_recorded", true);
        }
        trail.abandoned(started.requestId(), started.userId(), outcome);
        return stored;
    }

    private ObjectNode parse(String body) {
        try {
            return json.readTree(body) instanceof ObjectNode object ? object : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
