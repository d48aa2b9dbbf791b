package io.palisade.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.audit.AuditTrail;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.eval.EvalComparison;
import io.palisade.eval.EvalService;
import io.palisade.metrics.LifecycleMetrics;
import io.palisade.routing.CanaryPhase;
import io.palisade.routing.Deployment;
import io.palisade.routing.ModelCatalog;
import io.palisade.routing.ModelRoute;
import io.palisade.store.CanaryStateStore;
import io.palisade.store.EvalStore;
import java.io.IOException;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves canaries between phases: automatic rollback (from {@link CanaryJudge} or a failed
 * evaluation), manual rollback, resumption, and promotion behind the evaluation gate: the latest
 * finished evaluation of the candidate deployment must pass and, when the baseline was evaluated
 * on the same golden set, must not regress significantly against it (exact McNemar, as
 * {@code palisade eval compare}). Every change is written to the shared store, audited and
 * counted. Thread-safe.
 */
public final class ModelLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ModelLifecycle.class);
    private static final double REGRESSION_ALPHA = 0.05;

    private final ModelCatalog catalog;
    private final CanaryStates states;
    private final EvalService evals;
    private final AuditTrail audit;
    private final LifecycleMetrics metrics;
    private final BooleanSupplier promotionRequiresEval;
    private final ObjectMapper json;
    private final Clock clock;

    public ModelLifecycle(
            ModelCatalog catalog,
            CanaryStates states,
            EvalService evals,
            AuditTrail audit,
            LifecycleMetrics metrics,
            BooleanSupplier promotionRequiresEval,
            ObjectMapper json,
            Clock clock) {
        this.catalog = catalog;
        this.states = states;
        this.evals = evals;
        this.audit = audit;
        this.metrics = metrics;
        this.promotionRequiresEval = promotionRequiresEval;
        this.json = json;
        this.clock = clock;
    }

    /** The outcome of a phase change, for the API. */
    public record Change(String model, String deployment, CanaryPhase phase, String reason) {}

    /**
     * Stops the canary of {@code model}. {@code trigger}: error_rate, latency, eval or manual;
     * {@code actor}: who decided (an e-mail, or "palisade" for automatic rollbacks).
     */
    public synchronized Change rollback(String model, String trigger, String reason, String actor) {
        Deployment canary = canaryOf(model);
        if (states.phase(model, canary.id()) == CanaryPhase.ROLLED_BACK) {
            throw new PalisadeException(
                    ErrorCode.CONFLICT, "the canary '" + canary.id() + "' of '" + model + "' is already rolled back");
        }
        return change(model, canary, CanaryPhase.ROLLED_BACK, "rollback", trigger, reason, actor);
    }

    /** Lets a rolled-back or promoted canary take its configured share again, with a fresh window. */
    public synchronized Change resume(String model, String reason, String actor) {
        Deployment canary = canaryOf(model);
        if (states.phase(model, canary.id()) == CanaryPhase.ACTIVE) {
            throw new PalisadeException(
                    ErrorCode.CONFLICT, "the canary '" + canary.id() + "' of '" + model + "' is already active");
        }
        canary.health().window().clear();
        states.clear(model, canary.id());
        record(model, canary, "resume", "manual", reason, actor);
        return new Change(model, canary.id(), CanaryPhase.ACTIVE, reason);
    }

    /** Gives the canary all of the model's traffic; needs a passing evaluation unless {@code force}. */
    public synchronized Change promote(String model, boolean force, String reason, String actor) {
        Deployment canary = canaryOf(model);
        CanaryPhase phase = states.phase(model, canary.id());
        if (phase == CanaryPhase.PROMOTED) {
            throw new PalisadeException(
                    ErrorCode.CONFLICT, "the canary '" + canary.id() + "' of '" + model + "' is already promoted");
        }
        String gate = "evaluation gate skipped (forced)";
        if (!force && promotionRequiresEval.getAsBoolean()) {
            gate = evaluationGate(model, canary);
        } else if (!promotionRequiresEval.getAsBoolean()) {
            gate = "evaluation gate off (routing.promotion.require_eval: false)";
        }
        return change(
                model,
                canary,
                CanaryPhase.PROMOTED,
                "promotion",
                force ? "forced" : "eval",
                (reason == null || reason.isBlank() ? "" : reason + "; ") + gate,
                actor);
    }

    /**
     * Called when an evaluation run ends: a run against a live canary that failed, or regressed
     * against the baseline, rolls the canary back (when its rule says so).
     */
    public void evaluationFinished(String runId) {
        Optional<EvalStore.RunRow> run = evals.run(runId);
        if (run.isEmpty()) {
            return;
        }
        if (!"pass".equals(run.get().status()) && !"fail".equals(run.get().status())) {
            // An INVALID judge or a run that broke says nothing about the candidate itself.
            return;
        }
        String deployment = deploymentOf(run.get());
        ModelRoute route = catalog.find(run.get().generator());
        if (deployment == null
                || route == null
                || route.canary() == null
                || !route.canary().id().equals(deployment)
                || !route.canaryConfig().rollback().onEvalRegression()
                || states.phase(route.publicName(), deployment) != CanaryPhase.ACTIVE) {
            return;
        }
        try {
            evaluationGate(route.publicName(), route.canary());
        } catch (PalisadeException failed) {
            try {
                rollback(route.publicName(), "eval", failed.getMessage(), "palisade");
            } catch (PalisadeException alreadyRolledBack) {
                LOG.debug("canary of {} already rolled back", route.publicName());
            }
        }
    }

    /** The gate's verdict as a sentence; throws CONFLICT (409) when the candidate may not be promoted. */
    String evaluationGate(String model, Deployment canary) {
        EvalStore.RunRow candidate = latestFinished(model, Set.of(canary.id()), null)
                .orElseThrow(() -> new PalisadeException(
                        ErrorCode.CONFLICT,
                        "no finished evaluation of the candidate '" + canary.id()
                                + "'; run `palisade eval run --generator " + model + " --deployment " + canary.id()
                                + " --judge <judge model>` first, or promote with --force"));
        if (!"pass".equals(candidate.status())) {
            throw new PalisadeException(
                    ErrorCode.CONFLICT,
                    "the latest evaluation of the candidate '" + canary.id() + "' (" + candidate.id() + ") ended "
                            + candidate.status().toUpperCase(Locale.ROOT) + "; promotion needs PASS");
        }
        ModelRoute route = catalog.find(model);
        Set<String> baselineIds =
                route.deployments().stream().map(Deployment::id).collect(Collectors.toSet());
        Optional<EvalStore.RunRow> baseline = latestFinished(model, baselineIds, candidate.goldenHash());
        if (baseline.isEmpty()) {
            return "candidate evaluation " + candidate.id()
                    + " PASS (no baseline evaluation on the same golden set to compare)";
        }
        ObjectNode comparison = new EvalComparison(json)
                .compare(
                        baseline.get().id(),
                        evals.results(baseline.get().id()),
                        candidate.id(),
                        evals.results(candidate.id()),
                        true,
                        REGRESSION_ALPHA);
        if (comparison.path("significant_regression").asBoolean()) {
            throw new PalisadeException(
                    ErrorCode.CONFLICT,
                    "the candidate '" + canary.id() + "' regressed against the baseline ("
                            + candidate.id() + " vs " + baseline.get().id() + ": "
                            + comparison.path("pass_to_fail").asLong()
                            + " cases went from pass to fail, McNemar p="
                            + String.format("%.4f", comparison.path("mcnemar_p").asDouble()) + ")");
        }
        return "candidate evaluation " + candidate.id() + " PASS, no significant regression against "
                + baseline.get().id();
    }

    /**
     * The latest PASS or FAIL of {@code model} on one of {@code deployments}; with {@code goldenHash},
     * only on that golden set, and then a run against the model as a whole counts too (a baseline).
     */
    private Optional<EvalStore.RunRow> latestFinished(String model, Set<String> deployments, String goldenHash) {
        return finishedRuns().stream()
                .filter(finished -> finished.run().generator().equals(model))
                .filter(finished -> "pass".equals(finished.run().status())
                        || "fail".equals(finished.run().status()))
                .filter(finished ->
                        goldenHash == null || goldenHash.equals(finished.run().goldenHash()))
                .filter(finished -> finished.deployment() == null
                        ? goldenHash != null
                        : deployments.contains(finished.deployment()))
                .map(FinishedRun::run)
                .findFirst();
    }

    /** A finished evaluation run and the deployment it was confined to (null: the model as a whole). */
    public record FinishedRun(EvalStore.RunRow run, String deployment) {}

    /**
     * The finished runs among the latest 1,000 evaluations, whatever their outcome, the most recently
     * finished first (runs finished at the same time: the later created first).
     */
    public List<FinishedRun> finishedRuns() {
        return evals.runs(1000).stream()
                .filter(run -> run.finishedAt() != null)
                .sorted(Comparator.comparing(EvalStore.RunRow::finishedAt).reversed())
                .map(run -> new FinishedRun(run, deploymentOf(run)))
                .toList();
    }

    /** The deployment an evaluation run was confined to; null when it ran against the model as a whole. */
    private String deploymentOf(EvalStore.RunRow run) {
        try {
            JsonNode config = json.readTree(run.config());
            return config.hasNonNull("deployment") ? config.get("deployment").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private Change change(
            String model,
            Deployment canary,
            CanaryPhase phase,
            String event,
            String trigger,
            String reason,
            String actor) {
        states.set(new CanaryStateStore.Row(model, canary.id(), phase.name(), reason, clock.instant(), actor));
        record(model, canary, event, trigger, reason, actor);
        return new Change(model, canary.id(), phase, reason);
    }

    private void record(String model, Deployment canary, String event, String trigger, String reason, String actor) {
        ObjectNode details = json.createObjectNode()
                .put("model", model)
                .put("deployment", canary.id())
                .put("trigger", trigger)
                .put("reason", reason)
                .put("decided_by", actor);
        audit.system("model." + event, model + "/" + canary.id(), details);
        metrics.canary(model, canary.id(), event, trigger);
        LOG.warn("canary {} of model {}: {} ({}): {}", canary.id(), model, event, trigger, reason);
    }

    private Deployment canaryOf(String model) {
        ModelRoute route = catalog.find(model);
        if (route == null) {
            throw new PalisadeException(ErrorCode.MODEL_NOT_FOUND, "the model '" + model + "' does not exist");
        }
        if (route.canary() == null) {
            throw new PalisadeException(
                    ErrorCode.CONFLICT, "the model '" + model + "' has no canary configured (models[].canary)");
        }
        return route.canary();
    }
}
