package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.store.EvalStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluation runs inside the gateway: checks independence at once (refusals answer the caller),
 * then runs generate → unload → judge → judge sanity in the background with its own short-lived
 * API key, and stores config, golden-set hash, every answer and verdict, and the summary.
 * Thread-safe.
 */
public final class EvalService {
    private static final Logger LOG = LoggerFactory.getLogger(EvalService.class);

    private final EvalStore store;
    private final ObjectMapper json;
    private final Clock clock;
    private final BiFunction<String, EvalRequest, EvalGateway> gateways;
    private final Map<String, EvalProgress> running = new ConcurrentHashMap<>();
    // Registered while the graph is built (the lifecycle hears of every finished run to gate canaries),
    // read by run threads afterwards: copy-on-write, as registration is rare and iteration per run.
    private final List<EvaluationListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Hears the id of every run that ends (judged, re-judged, or broken with status "error"), e.g. to
     * gate a canary. Implementations are thread-safe.
     */
    @FunctionalInterface
    public interface EvaluationListener {
        void evaluationFinished(String runId);
    }

    /** {@code gateways} makes the gateway a run talks through (run id, request → a gateway with the run's own key). */
    public EvalService(
            EvalStore store, ObjectMapper json, Clock clock, BiFunction<String, EvalRequest, EvalGateway> gateways) {
        this.store = store;
        this.json = json;
        this.clock = clock;
        this.gateways = gateways;
    }

    /**
     * Marks runs left "running" by a previous process as errors: runs live in the gateway process,
     * so a restart ends them (they are not resumed). Call once at start-up.
     */
    public void abandonInterruptedRuns() {
        for (EvalStore.RunRow run : store.runs(10_000)) {
            if ("running".equals(run.status()) && !running.containsKey(run.id())) {
                ObjectNode summary = json.createObjectNode()
                        .put("run_id", run.id())
                        .put("status", "error")
                        .put("error", "the gateway stopped while this run was in progress; start it again");
                store.finish(run.id(), "error", clock.instant().toString(), summary.toString());
            }
        }
    }

    /**
     * Starts a run on behalf of {@code owner} (stored with the run) and returns its id;
     * configuration problems (same judge, same family) throw at once.
     */
    public String start(EvalRequest request, EvalOwner owner) {
        String runId = "eval_"
                + clock.instant().toString().replaceAll("[^0-9]", "").substring(0, 14) + "_"
                + Long.toHexString(Double.doubleToLongBits(Math.random())).substring(0, 6);
        EvalGateway gateway = gateways.apply(runId, request);
        EvalProgress progress = new EvalProgress();
        EvalRunner runner = new EvalRunner(gateway, json, progress);
        EvalRunner.Independence independence = runner.independence(request);
        store.insert(new EvalStore.RunRow(
                runId,
                clock.instant().toString(),
                null,
                "running",
                request.generator(),
                request.judge(),
                request.golden().name(),
                request.golden().contentHash(),
                config(request).toString(),
                null,
                owner.toString()));
        running.put(runId, progress);
        Thread.ofVirtual().name("eval-" + runId).start(() -> {
            try {
                long start = System.nanoTime();
                List<CaseResult> answers = runner.generate(request);
                double generation = (System.nanoTime() - start) / 1e9;
                EvalGateway.Unloaded unload = runner.unloadGenerator(request);
                finish(runId, request, runner, independence, answers, unload, generation);
            } catch (RuntimeException e) {
                LOG.error("evaluation {} failed: {}", runId, e.getMessage());
                ObjectNode summary = json.createObjectNode()
                        .put("run_id", runId)
                        .put("status", "error")
                        .put("error", e.getMessage())
                        .put("owner", owner.toString());
                store.finish(runId, "error", clock.instant().toString(), summary.toString());
                notifyListeners(runId);
            } finally {
                running.remove(runId);
            }
        });
        return runId;
    }

    /** Re-scores a finished run's stored answers (no regeneration), with the run's judge or another one. */
    public String rejudge(String runId, String judgeModel, boolean allowSameFamily) {
        EvalStore.RunRow run = store.run(runId)
                .orElseThrow(() -> new EvalException(EvalException.Kind.CONFIGURATION, "no run " + runId));
        EvalRequest original = request(run, allowSameFamily);
        EvalRequest request = new EvalRequest(
                original.generator(),
                judgeModel == null ? original.judge() : judgeModel,
                original.golden(),
                original.threshold(),
                original.repeat(),
                original.concurrency(),
                allowSameFamily || original.allowSameFamily(),
                original.generatorMaxTokens(),
                original.judgeMaxTokens(),
                original.sanityCases(),
                original.sanityTolerance(),
                original.generatorDeployment());
        EvalProgress progress = new EvalProgress();
        EvalRunner runner = new EvalRunner(gateways.apply(runId, request), json, progress);
        EvalRunner.Independence independence = runner.independence(request);
        List<CaseResult> answers = new ArrayList<>();
        for (EvalStore.ResultRow row : store.results(runId)) {
            answers.add(EvalResults.read(json, row.body()));
        }
        running.put(runId, progress);
        try {
            JsonNode old = parse(run.summary());
            EvalGateway.Unloaded unload = new EvalGateway.Unloaded(
                    old.path("generator_unload").path("supported").asBoolean(),
                    old.path("generator_unload").path("confirmed").asBoolean());
            finish(
                    runId,
                    request,
                    runner,
                    independence,
                    answers,
                    unload,
                    old.path("timings").path("generation_seconds").asDouble());
        } finally {
            running.remove(runId);
        }
        return runId;
    }

    private void finish(
            String runId,
            EvalRequest request,
            EvalRunner runner,
            EvalRunner.Independence independence,
            List<CaseResult> answers,
            EvalGateway.Unloaded unload,
            double generationSeconds) {
        long start = System.nanoTime();
        List<CaseResult> judged = runner.judge(request, answers);
        EvalRunner.JudgeSanity sanity = runner.sanity(request);
        double judging = (System.nanoTime() - start) / 1e9;
        ObjectNode summary = new EvalSummary(json)
                .summarize(runId, request, independence, judged, sanity, unload, generationSeconds, judging);
        summary.put(
                "owner",
                store.run(runId)
                        .map(run -> EvalOwner.stored(run.owner()))
                        .orElse(EvalOwner.UNKNOWN)
                        .toString());
        List<EvalStore.ResultRow> rows = new ArrayList<>();
        for (CaseResult result : judged) {
            rows.add(new EvalStore.ResultRow(
                    result.caseId(),
                    result.repeat(),
                    EvalResults.write(json, result).toString()));
        }
        store.saveResults(runId, rows);
        store.finish(runId, summary.path("status").asText(), clock.instant().toString(), summary.toString());
        notifyListeners(runId);
    }

    private void notifyListeners(String runId) {
        for (EvaluationListener listener : listeners) {
            try {
                listener.evaluationFinished(runId);
            } catch (RuntimeException e) {
                LOG.error("after evaluation {}: {}", runId, e.getMessage());
            }
        }
    }

    /** Adds a listener for finished runs; call while the graph is built, before runs start. */
    public void addListener(EvaluationListener listener) {
        listeners.add(listener);
    }

    public Optional<EvalProgress> progress(String runId) {
        return Optional.ofNullable(running.get(runId));
    }

    public Optional<EvalStore.RunRow> run(String runId) {
        return store.run(runId);
    }

    public List<EvalStore.RunRow> runs(int limit) {
        return store.runs(limit);
    }

    public List<CaseResult> results(String runId) {
        List<CaseResult> results = new ArrayList<>();
        for (EvalStore.ResultRow row : store.results(runId)) {
            results.add(EvalResults.read(json, row.body()));
        }
        return results;
    }

    private ObjectNode config(EvalRequest request) {
        ObjectNode config = json.createObjectNode();
        config.put("generator", request.generator())
                .put("judge", request.judge())
                .put("threshold", request.threshold())
                .put("repeat", request.repeat())
                .put("concurrency", request.concurrency())
                .put("allow_same_family", request.allowSameFamily())
                .put("generator_max_tokens", request.generatorMaxTokens())
                .put("judge_max_tokens", request.judgeMaxTokens())
                .put("sanity_cases", request.sanityCases())
                .put("sanity_tolerance", request.sanityTolerance());
        if (request.generatorDeployment() != null) {
            config.put("deployment", request.generatorDeployment());
        }
        config.put("golden_set_name", request.golden().name());
        config.put("golden_set", GoldenSetText.write(json, request.golden()));
        return config;
    }

    private EvalRequest request(EvalStore.RunRow run, boolean allowSameFamily) {
        JsonNode config = parse(run.config());
        GoldenSet golden = GoldenSet.parse(
                config.path("golden_set").asText(),
                config.path("golden_set_name").asText(),
                GoldenSet.Format.JSONL);
        return new EvalRequest(
                run.generator(),
                run.judge(),
                golden,
                config.path("threshold").asDouble(),
                config.path("repeat").asInt(1),
                config.path("concurrency").asInt(4),
                allowSameFamily || config.path("allow_same_family").asBoolean(),
                config.path("generator_max_tokens").asInt(1024),
                config.path("judge_max_tokens").asInt(1024),
                config.path("sanity_cases").asInt(8),
                config.path("sanity_tolerance").asDouble(0.25),
                config.hasNonNull("deployment") ? config.get("deployment").asText() : null);
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? json.createObjectNode() : json.readTree(text);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}
