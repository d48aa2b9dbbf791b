package io.palisade.lifecycle;

import io.palisade.config.CanaryConfig;
import io.palisade.routing.CanaryPhase;
import io.palisade.routing.Deployment;
import io.palisade.routing.ModelCatalog;
import io.palisade.routing.ModelRoute;
import io.palisade.routing.OutcomeWindow;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches live canaries and rolls one back when, over its rule's window and with at least
 * {@code min_requests} on each side, its error rate exceeds the baseline's by more than
 * {@code error_rate_increase}, or its median latency (time to first byte for streams) exceeds the
 * baseline's times {@code latency_ratio}. The baseline is all of the model's other deployments
 * together. Run on a schedule (every second); each run is a few array sums per canary.
 * Thread-safe.
 */
public final class CanaryJudge {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryJudge.class);

    private final ModelCatalog catalog;
    private final CanaryPhase.Source phases;
    private final ModelLifecycle lifecycle;
    private final Clock clock;

    public CanaryJudge(ModelCatalog catalog, CanaryPhase.Source phases, ModelLifecycle lifecycle, Clock clock) {
        this.catalog = catalog;
        this.phases = phases;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** A verdict for one canary: null when it may go on. */
    record Breach(String trigger, String reason) {}

    public void judgeAll() {
        for (ModelRoute route : catalog.all()) {
            if (route.canary() == null
                    || phases.phase(route.publicName(), route.canary().id()) != CanaryPhase.ACTIVE) {
                continue;
            }
            Breach breach = judge(route);
            if (breach != null) {
                try {
                    lifecycle.rollback(route.publicName(), breach.trigger(), breach.reason(), "palisade");
                } catch (RuntimeException e) {
                    LOG.error("could not roll back the canary of {}: {}", route.publicName(), e.getMessage());
                }
            }
        }
    }

    Breach judge(ModelRoute route) {
        CanaryConfig.Rollback rule = route.canaryConfig().rollback();
        long now = clock.millis();
        // Every deployment of the route keeps its outcomes over the rule's window (ModelCatalog).
        OutcomeWindow.Summary candidate = route.canary().health().window().summary(now);
        long requests = 0;
        long errors = 0;
        double median = Double.NaN;
        long mostRequests = -1;
        for (Deployment deployment : route.deployments()) {
            OutcomeWindow.Summary summary = deployment.health().window().summary(now);
            requests += summary.requests();
            errors += summary.errors();
            if (summary.requests() > mostRequests && !Double.isNaN(summary.medianMillis())) {
                // The busiest baseline deployment's median stands for the baseline (medians do not add up).
                mostRequests = summary.requests();
                median = summary.medianMillis();
            }
        }
        if (candidate.requests() < rule.minRequests() || requests < rule.minRequests()) {
            return null;
        }
        double baselineRate = (double) errors / requests;
        if (candidate.errorRate() - baselineRate > rule.errorRateIncrease()) {
            return new Breach(
                    "error_rate",
                    String.format(
                            "error rate %.1f%% against the baseline's %.1f%% over %ds (%d vs %d requests)",
                            candidate.errorRate() * 100,
                            baselineRate * 100,
                            rule.window().toSeconds(),
                            candidate.requests(),
                            requests));
        }
        if (rule.latencyRatio() > 0
                && !Double.isNaN(median)
                && !Double.isNaN(candidate.medianMillis())
                && candidate.medianMillis() > median * rule.latencyRatio()) {
            return new Breach(
                    "latency",
                    String.format(
                            "median latency %.0f ms against the baseline's %.0f ms (limit %.1fx) over %ds",
                            candidate.medianMillis(),
                            median,
                            rule.latencyRatio(),
                            rule.window().toSeconds()));
        }
        return null;
    }
}
