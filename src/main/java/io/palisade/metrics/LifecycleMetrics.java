package io.palisade.metrics;

import io.palisade.config.ReloadResult;
import io.palisade.routing.CanaryPhase;
import io.palisade.routing.CircuitBreaker;
import io.palisade.routing.Deployment;
import io.palisade.routing.ModelRoute;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Routing and model-lifecycle metrics: per-deployment health read from the live routes at scrape
 * time (breaker, drift, in-flight, canary share) and counters for retries, fallbacks, rollbacks,
 * promotions, pin checks and config reloads. Labels are configured model and deployment names
 * only (bounded). Thread-safe.
 */
public final class LifecycleMetrics {
    private final Counter attempts;
    private final Counter fallbacks;
    private final Counter canaryEvents;
    private final Counter pinChecks;
    private final Counter reloads;

    public LifecycleMetrics(
            PrometheusRegistry registry, Supplier<Collection<ModelRoute>> routes, CanaryPhase.Source phases) {
        attempts = Counter.builder()
                .name("palisade_upstream_attempts_total")
                .help(
                        "Attempts at deployments by public model, deployment and outcome (ok or the error code); more attempts than requests means retries")
                .labelNames("model", "deployment", "outcome")
                .register(registry);
        fallbacks = Counter.builder()
                .name("palisade_fallbacks_total")
                .help("Requests answered by a fallback model, by requested and serving model")
                .labelNames("model", "served_model")
                .register(registry);
        canaryEvents = Counter.builder()
                .name("palisade_canary_events_total")
                .help("Canary rollbacks (by trigger: error_rate, latency, eval, manual), promotions and resumptions")
                .labelNames("model", "deployment", "event", "trigger")
                .register(registry);
        pinChecks = Counter.builder()
                .name("palisade_pin_checks_total")
                .help("Pin verifications by result (match, drifted, unpinned, unverifiable, unreachable)")
                .labelNames("result")
                .register(registry);
        reloads = Counter.builder()
                .name("palisade_config_reloads_total")
                .help("Config reloads by result (applied, unchanged, rejected)")
                .labelNames("result")
                .register(registry);
        GaugeWithCallback.builder()
                .name("palisade_deployment_breaker_open")
                .help("1 while the deployment's circuit breaker is open or half-open (passively ejected)")
                .labelNames("model", "deployment")
                .callback(callback -> eachConfigured(
                        routes,
                        (route, d) -> callback.call(
                                d.health().breaker().state() == CircuitBreaker.State.CLOSED ? 0 : 1,
                                route.publicName(),
                                d.id())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("palisade_deployment_drifted")
                .help("1 when the deployment serves something other than its pinned digest")
                .labelNames("model", "deployment")
                .callback(callback -> eachConfigured(
                        routes, (route, d) -> callback.call(d.health().drifted() ? 1 : 0, route.publicName(), d.id())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("palisade_deployment_in_flight")
                .help("Requests in flight per deployment")
                .labelNames("model", "deployment")
                .callback(callback -> eachConfigured(
                        routes, (route, d) -> callback.call(d.health().inFlight(), route.publicName(), d.id())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("palisade_canary_traffic_percent")
                .help(
                        "The share of the model's traffic the canary candidate is meant to get now (0 after a rollback, 100 once promoted)")
                .labelNames("model", "deployment")
                .callback(callback -> {
                    for (ModelRoute route : routes.get()) {
                        if (route.canary() != null) {
                            double share = route.canaryShare(phases.phase(
                                    route.publicName(), route.canary().id()));
                            callback.call(
                                    share, route.publicName(), route.canary().id());
                        }
                    }
                })
                .register(registry);
    }

    public void attempt(String model, String deployment, String outcome) {
        attempts.labelValues(model, deployment, outcome).inc();
    }

    public void fallback(String model, String servedModel) {
        fallbacks.labelValues(model, servedModel).inc();
    }

    /** {@code event}: rollback, promotion or resume; {@code trigger}: error_rate, latency, eval or manual. */
    public void canary(String model, String deployment, String event, String trigger) {
        canaryEvents.labelValues(model, deployment, event, trigger).inc();
    }

    public void pinChecked(String result) {
        pinChecks.labelValues(result).inc();
    }

    public void reloaded(ReloadResult result) {
        reloads.labelValues(result.label()).inc();
    }

    private interface DeploymentVisitor {
        void visit(ModelRoute route, Deployment deployment);
    }

    /** Configured models only: discovered models are unbounded in number and have a single deployment. */
    private static void eachConfigured(Supplier<Collection<ModelRoute>> routes, DeploymentVisitor visitor) {
        for (ModelRoute route : routes.get()) {
            if (!route.discovered()) {
                route.allDeployments().forEach(d -> visitor.visit(route, d));
            }
        }
    }
}
