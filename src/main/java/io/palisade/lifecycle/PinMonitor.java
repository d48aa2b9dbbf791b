package io.palisade.lifecycle;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.audit.AuditTrail;
import io.palisade.config.PalisadeConfig;
import io.palisade.metrics.LifecycleMetrics;
import io.palisade.routing.Deployment;
import io.palisade.routing.ModelCatalog;
import io.palisade.routing.ModelRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every pinned deployment against what its backend serves: at start-up (in the background:
 * a pinned deployment takes no traffic until its first check concludes, see
 * {@link io.palisade.routing.DeploymentHealth#pinUnchecked()}), after each config reload, every
 * {@code routing.pins.verify_interval}, and on demand. Within a round each deployment is checked
 * on its own virtual thread, each exchange bounded by its backend's limit for checks, so a backend
 * that never answers delays no other deployment's result. A deployment found DRIFTED is marked so
 * in its health (the router then skips it unless {@code on_drift: alert}); one found to MATCH
 * again, or whose pin a reload removed, is cleared. Each change is audited ({@code model.drift},
 * {@code model.drift_cleared}) and counted. An unreachable or unverifiable backend changes nothing
 * either way: the check learned nothing about the weights (breakers and probes handle unreachable
 * backends). {@code driftedModels} hears the model of each deployment newly found drifted (the
 * smoke evaluation of what it serves now); it must return quickly. Thread-safe (rounds are
 * serialised; results are applied one at a time).
 */
public final class PinMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(PinMonitor.class);

    private final PinVerifier verifier;
    private final Supplier<PalisadeConfig> config;
    private final ModelCatalog catalog;
    private final AuditTrail audit;
    private final LifecycleMetrics metrics;
    private final Consumer<String> driftedModels;
    private final Object rounds = new Object();
    private final Object applying = new Object();
    private volatile boolean checkedOnce;

    public PinMonitor(
            PinVerifier verifier,
            Supplier<PalisadeConfig> config,
            ModelCatalog catalog,
            AuditTrail audit,
            LifecycleMetrics metrics,
            Consumer<String> driftedModels) {
        this.verifier = verifier;
        this.config = config;
        this.catalog = catalog;
        this.audit = audit;
        this.metrics = metrics;
        this.driftedModels = driftedModels;
    }

    /** Checks every pinned deployment now and applies the results; returns every check, unpinned ones included. */
    public List<PinCheck> checkAll() {
        synchronized (rounds) {
            List<Future<PinCheck>> results = new ArrayList<>();
            try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
                for (PinnedDeployment pinned : PinnedDeployment.all(config.get())) {
                    ModelRoute route = catalog.find(pinned.model());
                    Deployment deployment = route == null
                            ? null
                            : route.deployment(pinned.deployment().id());
                    if (deployment == null) {
                        continue;
                    }
                    if (pinned.deployment().pin() == null) {
                        results.add(CompletableFuture.completedFuture(applyUnpinned(pinned, deployment)));
                        continue;
                    }
                    results.add(each.submit(() -> {
                        PinCheck check = verifier.verify(pinned.model(), pinned.deployment(), deployment.backend());
                        metrics.pinChecked(check.status().name().toLowerCase(Locale.ROOT));
                        apply(deployment, check);
                        return check;
                    }));
                }
            } // waits for every check of the round: each is bounded by its backend's limit for checks
            List<PinCheck> checks = new ArrayList<>(results.size());
            for (Future<PinCheck> result : results) {
                if (result.state() == Future.State.SUCCESS) {
                    checks.add(result.resultNow());
                } else {
                    LOG.error(
                            "pin verification failed: {}",
                            result.state() == Future.State.FAILED
                                    ? result.exceptionNow().toString()
                                    : "interrupted");
                }
            }
            checkedOnce = true;
            return checks;
        }
    }

    /**
     * Clears the drift mark of every deployment that has no pin (any more), at once and without
     * asking a backend: after a reload removed a pin, the deployment is back in traffic before the
     * reload returns rather than after the next round.
     */
    public void clearUnpinned() {
        for (PinnedDeployment pinned : PinnedDeployment.all(config.get())) {
            ModelRoute route = pinned.deployment().pin() == null ? catalog.find(pinned.model()) : null;
            Deployment deployment =
                    route == null ? null : route.deployment(pinned.deployment().id());
            if (deployment != null) {
                applyUnpinned(pinned, deployment);
            }
        }
    }

    /** Whether a whole round has concluded since start (tests and start-up reporting wait for it). */
    public boolean checkedOnce() {
        return checkedOnce;
    }

    /** For the scheduler: a failure of one round must not stop the next. */
    public void checkAllQuietly() {
        try {
            checkAll();
        } catch (RuntimeException e) {
            LOG.error("pin verification failed: {}", e.getMessage());
        }
    }

    private PinCheck applyUnpinned(PinnedDeployment pinned, Deployment deployment) {
        PinCheck unpinned = new PinCheck(
                pinned.model(),
                deployment.id(),
                deployment.backendName(),
                deployment.upstreamModel(),
                null,
                PinCheck.Status.UNPINNED,
                null,
                null,
                "no pin configured",
                java.time.Instant.now());
        apply(deployment, unpinned);
        return unpinned;
    }

    private void apply(Deployment deployment, PinCheck check) {
        synchronized (applying) {
            applyNow(deployment, check);
        }
    }

    private void applyNow(Deployment deployment, PinCheck check) {
        deployment.health().pinChecked();
        boolean drifted;
        switch (check.status()) {
            case DRIFTED -> drifted = true;
            // A deployment without a pin any more (removed by a reload) cannot be drifted from it.
            case MATCH, UNPINNED -> drifted = false;
            default -> {
                return;
            }
        }
        boolean was = deployment.health().drifted();
        deployment.health().drift(drifted, drifted ? check.detail() : null);
        if (drifted == was) {
            return;
        }
        ObjectNode details = JsonNodeFactory.instance
                .objectNode()
                .put("model", check.model())
                .put("deployment", check.deployment())
                .put("backend", check.backend())
                .put("kind", check.kind() == null ? null : check.kind().name().toLowerCase(Locale.ROOT))
                .put("expected", check.expected())
                .put("served", check.served())
                .put("detail", check.detail())
                .put("traffic_stopped", drifted && config.get().routing().stopOnDrift());
        audit.system(
                drifted ? "model.drift" : "model.drift_cleared", check.model() + "/" + check.deployment(), details);
        if (drifted) {
            LOG.error(
                    "deployment {} of model {} serves {} instead of its pin {}{}",
                    check.deployment(),
                    check.model(),
                    check.served(),
                    check.expected(),
                    config.get().routing().stopOnDrift() ? "; it gets no traffic until it matches again" : "");
            try {
                driftedModels.accept(check.model());
            } catch (RuntimeException e) {
                LOG.error("after the drift of {}: {}", check.model(), e.getMessage());
            }
        } else {
            LOG.info(
                    "deployment {} of model {} {}",
                    check.deployment(),
                    check.model(),
                    check.pinned()
                            ? "serves its pin again"
                            : "has no pin any more; it is no longer held out as drifted");
        }
    }
}
