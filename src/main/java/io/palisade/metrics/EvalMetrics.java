package io.palisade.metrics;

import io.palisade.config.SmokeEvalConfig;
import io.palisade.eval.QualityLedger;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code palisade_eval_*}: the quality of each model by its last finished evaluation run (verdict,
 * pass rate, Wilson 95 % bounds), the age of its last passing run, the configured
 * {@code eval.smoke.max_age} the alert compares it with, and the runs finished by owner kind and
 * verdict. Everything is read at scrape time from the in-memory {@link QualityLedger} (no database
 * read per scrape). The age is exported for the models {@code eval.smoke} names (the models whose
 * acceptance is monitored), +Inf while such a model has no passing run. Thread-safe.
 */
public final class EvalMetrics {
    public EvalMetrics(
            PrometheusRegistry registry, QualityLedger ledger, Supplier<SmokeEvalConfig> smoke, Clock clock) {
        GaugeWithCallback.builder()
                .name("palisade_eval_last_run_passed")
                .help("1 when the model's last finished evaluation run passed, else 0; verdict: pass, fail or invalid")
                .labelNames("model", "verdict")
                .callback(callback -> {
                    for (QualityLedger.ModelQuality model : ledger.models()) {
                        callback.call("pass".equals(model.verdict()) ? 1 : 0, model.model(), model.verdict());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("palisade_eval_last_pass_rate")
                .help("Pass rate (0..1) of the model's last finished evaluation run")
                .labelNames("model")
                .callback(callback -> ledger.models().forEach(m -> callback.call(m.passRate(), m.model())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("palisade_eval_last_pass_rate_lower")
                .help("Lower bound of the Wilson 95 % interval of the last run's pass rate")
                .labelNames("model")
                .callback(callback -> ledger.models().forEach(m -> callback.call(m.lower(), m.model())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("palisade_eval_last_pass_rate_upper")
                .help("Upper bound of the Wilson 95 % interval of the last run's pass rate")
                .labelNames("model")
                .callback(callback -> ledger.models().forEach(m -> callback.call(m.upper(), m.model())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("palisade_eval_last_pass_age_seconds")
                .help(
                        "Seconds since the last passing evaluation run of each model eval.smoke names finished (+Inf: none passed)")
                .labelNames("model")
                .callback(callback -> {
                    List<String> watched = smoke.get().models();
                    if (watched.isEmpty()) {
                        return;
                    }
                    Map<String, Instant> lastPass = new HashMap<>();
                    ledger.models().forEach(m -> lastPass.put(m.model(), m.lastPass()));
                    Instant now = clock.instant();
                    for (String model : watched) {
                        Instant passed = lastPass.get(model);
                        callback.call(
                                passed == null
                                        ? Double.POSITIVE_INFINITY
                                        : Math.max(
                                                0, Duration.between(passed, now).toMillis() / 1000.0),
                                model);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("palisade_eval_smoke_max_age_seconds")
                .help(
                        "eval.smoke.max_age: how young a model's last passing run must be (exported while eval.smoke is configured)")
                .callback(callback -> {
                    SmokeEvalConfig config = smoke.get();
                    if (config.configured()) {
                        callback.call((double) config.maxAge().toSeconds());
                    }
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("palisade_eval_runs_total")
                .help(
                        "Evaluation runs finished since start, by owner kind (cli, upgrade, drift, schedule, admin) and verdict (pass, fail, invalid, error)")
                .labelNames("owner_kind", "verdict")
                .callback(callback -> ledger.finishedRuns()
                        .forEach((count, runs) -> callback.call((double) runs, count.ownerKind(), count.verdict())))
                .register(registry);
    }
}
