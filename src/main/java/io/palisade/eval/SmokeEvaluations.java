package io.palisade.eval;

import io.palisade.config.SmokeEvalConfig;
import io.palisade.store.EvalStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smoke evaluation ({@code eval.smoke}): one run of the configured golden set per configured
 * generator, graded by the configured judge, through the ordinary {@link EvalService}. Started on
 * request ({@code palisade eval smoke}, e.g. by the upgrade script), when a model's pinned weights
 * drift, and every {@code eval.smoke.schedule}. A drift or a due schedule starts no run for a model
 * whose smoke run is still in progress. Reads the config in force on every call, so a reload
 * applies at once. Thread-safe: decisions are serialised; the starts of drift and schedule runs
 * happen on their own executor, so neither the pin checks nor the scheduler thread wait for them.
 */
public final class SmokeEvaluations {
    private static final Logger LOG = LoggerFactory.getLogger(SmokeEvaluations.class);

    private final EvalService evals;
    private final Supplier<SmokeEvalConfig> config;
    private final Clock clock;
    private final Instant startedAt;
    // Keyed by generator model: the configured models and drifted (configured) deployments' models,
    // so bounded by the config. Guarded by this.
    private final Map<String, String> latestRun = new HashMap<>();
    private final Map<String, Instant> lastStarted = new HashMap<>();
    private final Set<String> starting = new HashSet<>();
    private final Executor automatic;

    /** A run started for one generator. */
    public record Started(String model, String runId) {}

    /** {@code automatic} runs the starts of drift and schedule runs (a virtual thread each, in the gateway). */
    public SmokeEvaluations(EvalService evals, Supplier<SmokeEvalConfig> config, Clock clock, Executor automatic) {
        this.evals = evals;
        this.automatic = automatic;
        this.config = config;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /**
     * Remembers when each model was last evaluated (newest stored runs, read once at start-up), so a
     * restart neither runs the schedule at once nor pushes it back a whole period.
     */
    public synchronized void remember(List<EvalStore.RunRow> runs) {
        for (EvalStore.RunRow run : runs) {
            Instant created = Instant.parse(run.createdAt());
            lastStarted.merge(run.generator(), created, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /** Starts one run per configured model for {@code owner}; throws {@link EvalException} when it cannot. */
    public synchronized List<Started> start(EvalOwner owner) {
        SmokeEvalConfig smoke = configured();
        GoldenSet golden = golden(smoke);
        List<Started> started = new ArrayList<>();
        for (String model : smoke.models()) {
            started.add(new Started(model, startOne(smoke, golden, model, owner)));
        }
        return started;
    }

    /**
     * A pinned deployment of {@code model} serves other weights than its pin: evaluates the model as
     * it is served now, unless a smoke run of it is in progress, smoke evaluation is not configured,
     * or the model is the judge (its grading is what is in doubt then; the log says so).
     */
    public synchronized void driftDetected(String model) {
        SmokeEvalConfig smoke = config.get();
        if (!smoke.configured()) {
            return;
        }
        if (model.equals(smoke.judge())) {
            LOG.warn(
                    "the smoke judge {} drifted from its pin: smoke runs it grades are in doubt until it matches",
                    model);
            return;
        }
        startQuietly(smoke, model, EvalOwner.drift(model));
    }

    /** Starts the runs the schedule asks for now (each model every {@code eval.smoke.schedule}). */
    public synchronized void runDue() {
        SmokeEvalConfig smoke = config.get();
        if (!smoke.configured() || smoke.schedule().isZero()) {
            return;
        }
        Instant now = clock.instant();
        for (String model : smoke.models()) {
            Instant last = lastStarted.getOrDefault(model, startedAt);
            if (!now.isBefore(last.plus(smoke.schedule()))) {
                startQuietly(smoke, model, EvalOwner.SCHEDULE);
            }
        }
    }

    /** For the scheduler: a failure of one round must not stop the next. */
    public void runDueQuietly() {
        try {
            runDue();
        } catch (RuntimeException e) {
            LOG.error("scheduled smoke evaluation failed: {}", e.getMessage());
        }
    }

    /**
     * Starts an automatic run unless one of the model is starting or in progress. The start itself
     * (golden-set file, the judge's independence, which may ask a backend for a model's family) runs
     * on {@code automatic}, never on the thread that noticed the drift or the due schedule.
     */
    private void startQuietly(SmokeEvalConfig smoke, String model, EvalOwner owner) {
        String running = latestRun.get(model);
        if (starting.contains(model)
                || (running != null && evals.progress(running).isPresent())) {
            return;
        }
        starting.add(model);
        // Counted from the attempt, so a start that is refused is tried again a period later, not every tick.
        lastStarted.put(model, clock.instant());
        automatic.execute(() -> {
            try {
                String runId = evals.start(request(smoke, golden(smoke), model), owner);
                synchronized (this) {
                    latestRun.put(model, runId);
                }
                LOG.info("smoke evaluation {} of {} started ({})", runId, model, owner);
            } catch (RuntimeException e) {
                LOG.error("smoke evaluation of {} ({}) cannot start: {}", model, owner, e.getMessage());
            } finally {
                synchronized (this) {
                    starting.remove(model);
                }
            }
        });
    }

    private String startOne(SmokeEvalConfig smoke, GoldenSet golden, String model, EvalOwner owner) {
        String runId = evals.start(request(smoke, golden, model), owner);
        latestRun.put(model, runId);
        lastStarted.put(model, clock.instant());
        return runId;
    }

    private static EvalRequest request(SmokeEvalConfig smoke, GoldenSet golden, String model) {
        return new EvalRequest(
                model,
                smoke.judge(),
                golden,
                smoke.threshold(),
                1,
                4,
                smoke.allowSameFamily(),
                1024,
                1024,
                8,
                0.25,
                null);
    }

    private SmokeEvalConfig configured() {
        SmokeEvalConfig smoke = config.get();
        if (!smoke.configured()) {
            throw new EvalException(
                    EvalException.Kind.CONFIGURATION,
                    "eval.smoke is not configured on this server: name eval.smoke.models and eval.smoke.judge"
                            + " in its config (docs/evaluation.md, \"Smoke evaluation\")");
        }
        return smoke;
    }

    private static GoldenSet golden(SmokeEvalConfig smoke) {
        if (smoke.golden() == null) {
            return GoldenSet.smokeSet();
        }
        try {
            return GoldenSet.load(smoke.golden());
        } catch (GoldenSetException e) {
            throw new EvalException(
                    EvalException.Kind.CONFIGURATION, "eval.smoke.golden is not a valid golden set: " + e.getMessage());
        }
    }
}
