package io.palisade.assembly;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.admission.AbandonedReservations;
import io.palisade.admission.AdmissionControl;
import io.palisade.admission.Counters;
import io.palisade.admission.LocalCounters;
import io.palisade.admission.PolicyDecisionPoint;
import io.palisade.admission.RedisCounters;
import io.palisade.admission.TokenEstimator;
import io.palisade.admission.UsageRecorder;
import io.palisade.config.LimitsConfig;
import io.palisade.metrics.GatewayMetrics;
import io.palisade.store.Dialect;
import io.prometheus.metrics.core.metrics.Counter;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Admission: the counters limits are enforced on (in memory, or shared in Redis with its
 * "palisade-redis-heartbeat"), the usage recorder ("palisade-usage-writer", spooling to disk while
 * the store fails), admission control and the policy decision point over the catalog; at start, the
 * charge of what a crashed process left in flight, and this process' heartbeat ("palisade-instance-*").
 */
public final class AdmissionAssembly implements Assembly {
    private final LimitsConfig limits;
    private final UsageRecorder usageRecorder;
    private final Counters counters;
    private final AdmissionControl admission;
    private final PolicyDecisionPoint policy;
    private final AbandonedReservations abandoned;
    private final ScheduledExecutorService instanceBeat;

    public AdmissionAssembly(
            LimitsConfig limits,
            StoreAssembly store,
            IdentityAssembly identity,
            BackendsAssembly backends,
            AuditAssembly audit,
            ObservabilityAssembly observability,
            ObjectMapper json,
            Clock clock) {
        this.limits = limits;
        GatewayMetrics metrics = observability.metrics();
        this.usageRecorder = new UsageRecorder(store.usage(), store.usageSpool());
        metrics.gauge(
                "palisade_usage_backlog_rows",
                "Usage rows accepted but not yet stored (the store failed): in memory and spooled",
                usageRecorder::backlogRows);
        metrics.counter(
                "palisade_usage_write_failures_total",
                "Usage writes to the store that failed (the rows are kept and retried)",
                usageRecorder::writeFailures);
        try {
            this.counters = limits.redisUrl() == null
                    ? new LocalCounters()
                    : RedisCounters.connect(limits.redisUrl(), "palisade:", limits.redisLease());
        } catch (RuntimeException e) {
            usageRecorder.close();
            throw e;
        }
        this.admission = new AdmissionControl(
                counters, identity.limits(), limits, new TokenEstimator(), store.usage(), usageRecorder, clock);
        this.policy = new PolicyDecisionPoint(backends.catalog(), admission);
        // Charges what a crashed predecessor left in flight, before the listener opens, so local
        // budget counters, seeded from usage at their first request, count it. Bounded: only rows
        // above the dead instances' last watermarks are read, a page at a time (docs/admission.md).
        this.abandoned = new AbandonedReservations(
                store.instances(),
                store.audit(),
                store.usage(),
                audit.trail(),
                audit.openRequests(),
                store.dialect(),
                clock,
                json,
                Counter.builder()
                        .name("palisade_abandoned_requests_charged_total")
                        .help("Requests a dead process left in flight, charged their reservation by this one")
                        .register(metrics.registry())::inc);
        try {
            abandoned.register();
            abandoned.sweep();
        } catch (RuntimeException e) {
            usageRecorder.close();
            counters.close();
            throw e;
        }
        // Marks this process ended unless a request is still open (then the next start charges it):
        // only once the audit writer has committed the completions still queued at close.
        audit.afterLastCommit(abandoned::ended);
        // Two threads: a sweep waiting on audit commits must never delay this process' heartbeat,
        // or the other replicas would take it for dead and charge its live requests.
        this.instanceBeat = Executors.newScheduledThreadPool(
                2,
                Thread.ofPlatform().name("palisade-instance-", 0).daemon(true).factory());
        long beat = AbandonedReservations.HEARTBEAT.toMillis();
        // // The executor owns this periodic task and stops it when close() shuts it down.
        var unusedHeartbeat =
                instanceBeat.scheduleWithFixedDelay(abandoned::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        if (store.dialect() == Dialect.POSTGRESQL) {
            // replicas die while others run: a survivor charges them once they are silent long enough
            var unusedSweep = instanceBeat.scheduleWithFixedDelay(abandoned::sweep, beat, beat, TimeUnit.MILLISECONDS);
        }
    }

    public UsageRecorder usageRecorder() {
        return usageRecorder;
    }

    public AdmissionControl admission() {
        return admission;
    }

    public PolicyDecisionPoint policy() {
        return policy;
    }

    /** Whether limits can be enforced: shared counters reachable, or configured to admit without them (part of readiness). */
    public boolean ready() {
        return counters.healthy() || limits.failOpen();
    }

    @Override
    public void close() {
        instanceBeat.shutdownNow();
        usageRecorder.close();
        counters.close();
    }
}
