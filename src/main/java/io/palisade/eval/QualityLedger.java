package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.store.EvalStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the evaluations say about each model now, kept in memory for the metrics (so a scrape reads
 * no database): the verdict, pass rate and Wilson interval of the model's last finished run, and
 * when its last passing run finished; plus the runs finished in this process by owner kind and
 * verdict. Loaded once from the newest stored runs at start-up, then told of every run that ends.
 * Runs confined to one deployment (a canary candidate) measure that deployment, not the model in
 * service, and are left out of the per-model numbers. Thread-safe.
 */
public final class QualityLedger implements EvalService.EvaluationListener {
    // Models are those evaluated (an admin action, not traffic); the cap bounds a long history anyway.
    private static final int MAX_MODELS = 500;

    private final Function<String, Optional<EvalStore.RunRow>> runs;
    private final ObjectMapper json;
    // Guarded by this. Insertion order = least recently updated first, for the cap.
    private final Map<String, ModelQuality> models = new LinkedHashMap<>();
    private final Map<RunCount, Long> finished = new LinkedHashMap<>();

    /** The last finished run of a model; {@code lastPass} is null when no loaded run passed. */
    public record ModelQuality(
            String model, String verdict, double passRate, double lower, double upper, Instant lastPass) {}

    /** Runs finished in this process with an owner kind and verdict (pass, fail, invalid or error). */
    public record RunCount(String ownerKind, String verdict) {}

    /** {@code runs} finds a run by id (the eval service's store). */
    public QualityLedger(Function<String, Optional<EvalStore.RunRow>> runs, ObjectMapper json) {
        this.runs = runs;
        this.json = json;
    }

    /** Loads the state from stored runs, newest first (as the store lists them). Call once at start-up. */
    public synchronized void load(List<EvalStore.RunRow> newestFirst) {
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            apply(newestFirst.get(i));
        }
    }

    @Override
    public void evaluationFinished(String runId) {
        runs.apply(runId).ifPresent(run -> {
            synchronized (this) {
                apply(run);
                finished.merge(new RunCount(EvalOwner.stored(run.owner()).kind().label(), run.status()), 1L, Long::sum);
            }
        });
    }

    public synchronized List<ModelQuality> models() {
        return new ArrayList<>(models.values());
    }

    public synchronized Map<RunCount, Long> finishedRuns() {
        return new LinkedHashMap<>(finished);
    }

    private void apply(EvalStore.RunRow run) {
        String status = run.status();
        if (!("pass".equals(status) || "fail".equals(status) || "invalid".equals(status))
                || run.summary() == null
                || confinedToADeployment(run)) {
            return;
        }
        JsonNode summary = parse(run.summary());
        ModelQuality before = models.remove(run.generator());
        Instant lastPass = before == null ? null : before.lastPass();
        if ("pass".equals(status) && run.finishedAt() != null) {
            Instant finishedAt = Instant.parse(run.finishedAt());
            lastPass = lastPass == null || finishedAt.isAfter(lastPass) ? finishedAt : lastPass;
        }
        models.put(
                run.generator(),
                new ModelQuality(
                        run.generator(),
                        status,
                        summary.path("pass_rate").asDouble(),
                        summary.path("wilson_95").path(0).asDouble(),
                        summary.path("wilson_95").path(1).asDouble(1),
                        lastPass));
        if (models.size() > MAX_MODELS) {
            models.remove(models.keySet().iterator().next());
        }
    }

    private boolean confinedToADeployment(EvalStore.RunRow run) {
        return parse(run.config()).hasNonNull("deployment");
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? json.createObjectNode() : json.readTree(text);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}
