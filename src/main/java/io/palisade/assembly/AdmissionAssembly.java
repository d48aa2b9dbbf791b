package io.palisade.assembly;

import io.palisade.admission.AdmissionControl;
import io.palisade.admission.Counters;
import io.palisade.admission.LocalCounters;
import io.palisade.admission.PolicyDecisionPoint;
import io.palisade.admission.RedisCounters;
import io.palisade.admission.TokenEstimator;
import io.palisade.admission.UsageRecorder;
import io.palisade.config.LimitsConfig;
import io.palisade.metrics.GatewayMetrics;
import java.time.Clock;

/**
 * Admission: the counters limits are enforced on (in memory, or shared in Redis with its
 * "palisade-redis-heartbeat"), the usage recorder ("palisade-usage-writer", spooling to disk while
 * the store fails), admission control and the policy decision point over the catalog.
 */
public final class AdmissionAssembly implements Assembly {
    private final LimitsConfig limits;
    private final UsageRecorder usageRecorder;
    private final Counters counters;
    private final AdmissionControl admission;
    private final PolicyDecisionPoint policy;

    public AdmissionAssembly(LimitsConfig limits, StoreAssembly store, IdentityAssembly identity, BackendsAssembly backends,
            ObservabilityAssembly observability, Clock clock) {
        this.limits = limits;
        GatewayMetrics metrics = observability.metrics();
        this.usageRecorder = new UsageRecorder(store.usage(), store.usageSpool());
        metrics.gauge("palisade_usage_backlog_rows", "Usage rows accepted but not yet stored (the store failed): in memory and spooled",
                usageRecorder::backlogRows);
        metrics.counter("palisade_usage_write_failures_total", "Usage writes to the store that failed (the rows are kept and retried)",
                usageRecorder::writeFailures);
        try {
            this.counters = limits.redisUrl() == null ? new LocalCounters()
                    : RedisCounters.connect(limits.redisUrl(), "palisade:", limits.redisLease());
        } catch (RuntimeException e) {
            usageRecorder.close();
            throw e;
        }
        this.admission = new AdmissionControl(counters, identity.limits(), limits, new TokenEstimator(), store.usage(), usageRecorder,
                clock);
        this.policy = new PolicyDecisionPoint(backends.catalog(), admission);
        // Start-up steps of admission that need the stores and counters (e.g. charging the reservations
        // of requests a crashed process left open) go here: after the stores opened, before the
        // listener opens. One that can fail must close the usage recorder and counters first, as a
        // failed constructor is not closed by Palisade.start.
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
        usageRecorder.close();
        counters.close();
    }
}
