package io.palisade.metrics;

import io.palisade.build.BuildInfo;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.DoubleSupplier;

/**
 * Every metric Palisade exports, defined in one place (docs/operations.md explains each; the
 * shipped alert rules and dashboards are tested against these names). Labels are bounded: routes,
 * public model names, backends, status classes and reason codes — never users or keys.
 * Thread-safe.
 */
public final class GatewayMetrics {
    private static final double[] LATENCY_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300
    };
    private static final double[] OVERHEAD_BUCKETS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1
    };
    private static final double[] RATE_BUCKETS = {1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000};
    /**
     * Label combinations of the request path whose children are kept. Those in use stay far below
     * it: routes are templates, a denied request's model and backend are "-", an admitted one's
     * come from the catalog (a name or its ":latest" form), decisions are error codes.
     */
    private static final int MAX_CACHED_SERIES = 4096;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram duration;
    private final Histogram timeToFirstToken;
    private final Histogram upstreamDuration;
    private final Histogram overhead;
    private final Histogram streamTokensPerSecond;
    private final Counter tokens;
    private final Counter cost;
    private final Gauge inFlight;
    private final Counter upstreamErrors;
    private final Counter refusals;
    private final Histogram auditCommit;
    private final Counter auditCommitFailures;
    private final Gauge backendUp;
    private final Counter userRequests;
    private final Counter userTokens;
    private final int maxUsers;
    private final java.util.Set<String> labelledUsers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final SeriesCache<RequestSeries.Key, RequestSeries> requestSeries;
    private final SeriesCache<UsageSeries.Key, UsageSeries> usageSeries;

    /** No per-user series. */
    public GatewayMetrics() {
        this(false, 0);
    }

    /**
     * {@code perUser}: also count requests and tokens per user, for at most {@code maxUsers}
     * distinct users (the rest share the label "other"), so cardinality stays bounded.
     */
    public GatewayMetrics(boolean perUser, int maxUsers) {
        this(perUser, maxUsers, MAX_CACHED_SERIES);
    }

    /** {@code maxCachedSeries}: how many label combinations the request path keeps its children for. */
    GatewayMetrics(boolean perUser, int maxUsers, int maxCachedSeries) {
        this.maxUsers = maxUsers;
        requestSeries = new SeriesCache<>(this::newRequestSeries, maxCachedSeries);
        usageSeries = new SeriesCache<>(this::newUsageSeries, maxCachedSeries);
        requests = Counter.builder()
                .name("palisade_requests_total")
                .help(
                        "Requests by route, public model, backend, status class and decision (allowed or the refusal reason)")
                .labelNames("route", "model", "backend", "status_class", "decision")
                .register(registry);
        duration = Histogram.builder()
                .name("palisade_request_duration_seconds")
                .unit(Unit.SECONDS)
                .help("Total time from request received to answer ended, admitted requests")
                .labelNames("route", "model", "backend")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .register(registry);
        timeToFirstToken = Histogram.builder()
                .name("palisade_time_to_first_token_seconds")
                .unit(Unit.SECONDS)
                .help("Time from request received to the first streamed event sent to the caller")
                .labelNames("model", "backend")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .register(registry);
        upstreamDuration = Histogram.builder()
                .name("palisade_upstream_duration_seconds")
                .unit(Unit.SECONDS)
                .help("Time spent waiting on the backend (request sent to answer ended)")
                .labelNames("backend")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .register(registry);
        overhead = Histogram.builder()
                .name("palisade_gateway_overhead_seconds")
                .unit(Unit.SECONDS)
                .help("The gateway's own time per admitted request: total time minus time waiting on the backend")
                .labelNames("route")
                .classicOnly()
                .classicUpperBounds(OVERHEAD_BUCKETS)
                .register(registry);
        streamTokensPerSecond = Histogram.builder()
                .name("palisade_stream_tokens_per_second")
                .help("Completion tokens per second of finished streams, from first token to end")
                .labelNames("model", "backend")
                .classicOnly()
                .classicUpperBounds(RATE_BUCKETS)
                .register(registry);
        tokens = Counter.builder()
                .name("palisade_tokens_total")
                .help("Tokens accounted, by public model, team and kind (prompt or completion)")
                .labelNames("model", "team", "kind")
                .register(registry);
        cost = Counter.builder()
                .name("palisade_cost_usd_total")
                .help("Cost in US dollars by public model and team (from limits.pricing)")
                .labelNames("model", "team")
                .register(registry);
        inFlight = Gauge.builder()
                .name("palisade_requests_in_flight")
                .help("Requests being processed right now")
                .register(registry);
        upstreamErrors = Counter.builder()
                .name("palisade_upstream_errors_total")
                .help("Backend failures by backend and kind (connect, timeout, 5xx, protocol)")
                .labelNames("backend", "kind")
                .register(registry);
        refusals = Counter.builder()
                .name("palisade_refusals_total")
                .help(
                        "Requests refused by admission, by reason (rate_limited, tokens_rate_limited, concurrency_limited, budget_exceeded, ...)")
                .labelNames("reason")
                .register(registry);
        auditCommit = Histogram.builder()
                .name("palisade_audit_commit_seconds")
                .unit(Unit.SECONDS)
                .help("Time to commit one group of audit records")
                .classicOnly()
                .classicUpperBounds(OVERHEAD_BUCKETS)
                .register(registry);
        auditCommitFailures = Counter.builder()
                .name("palisade_audit_commit_failures_total")
                .help("Audit group commits that failed (requests were refused with 503)")
                .register(registry);
        backendUp = Gauge.builder()
                .name("palisade_backend_up")
                .help("1 when the backend answered its last health probe, else 0")
                .labelNames("backend")
                .register(registry);
        userRequests = perUser
                ? Counter.builder()
                        .name("palisade_user_requests_total")
                        .help("Requests per user (metrics.per_user; capped at metrics.max_users, then \"other\")")
                        .labelNames("user", "decision")
                        .register(registry)
                : null;
        userTokens = perUser
                ? Counter.builder()
                        .name("palisade_user_tokens_total")
                        .help("Tokens per user (metrics.per_user; capped)")
                        .labelNames("user")
                        .register(registry)
                : null;
        registerBuildInfo(BuildInfo.current());
        JvmMetrics.builder().register(registry);
    }

    /** palisade_build_info = 1, labelled with what is running: dashboards join it to tell releases apart. */
    private void registerBuildInfo(BuildInfo build) {
        Info.builder()
                .name("palisade_build_info")
                .help("The running build: version, git commit, build date (UTC) and Java runtime; always 1")
                .labelNames("version", "commit", "build_date", "java")
                .register(registry)
                .setLabelValues(build.version(), build.commit(), build.buildDate(), build.java());
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Registers a counter read at scrape time from its owner's own count ({@code name} ends in _total). */
    public void counter(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    /** Registers a gauge read at scrape time (queue depths). */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    public void requestStarted() {
        inFlight.inc();
    }

    /** One finished request; {@code upstreamSeconds} negative when no backend was called. */
    public void requestFinished(RequestOutcome outcome) {
        inFlight.dec();
        if (userRequests != null && outcome.user() != null) {
            String user = userLabel(outcome.user());
            userRequests
                    .labelValues(user, outcome.admitted() ? "allowed" : "denied")
                    .inc();
            long tokensUsed = outcome.promptTokens() + outcome.completionTokens();
            if (tokensUsed > 0) {
                userTokens.labelValues(user).inc(tokensUsed);
            }
        }
        RequestSeries series = requestSeries.get(new RequestSeries.Key(
                outcome.route(),
                outcome.model(),
                outcome.backend(),
                StatusClass.of(outcome.status()),
                outcome.decision()));
        series.requests.inc();
        if (!outcome.admitted()) {
            if (outcome.refusedByLimits()) {
                series.refusals.get().inc();
            }
            return;
        }
        series.duration.get().observe(outcome.totalSeconds());
        if (outcome.upstreamSeconds() >= 0) {
            series.upstreamDuration.get().observe(outcome.upstreamSeconds());
            series.overhead.get().observe(Math.max(0, outcome.totalSeconds() - outcome.upstreamSeconds()));
        }
        if (outcome.timeToFirstTokenSeconds() >= 0) {
            series.timeToFirstToken.get().observe(outcome.timeToFirstTokenSeconds());
            double streaming = outcome.totalSeconds() - outcome.timeToFirstTokenSeconds();
            if (outcome.completionTokens() > 0 && streaming > 0) {
                series.streamTokensPerSecond.get().observe(outcome.completionTokens() / streaming);
            }
        }
        if (outcome.upstreamErrorKind() != null) {
            // Failures only: not worth a cache.
            upstreamErrors
                    .labelValues(outcome.backend(), outcome.upstreamErrorKind())
                    .inc();
        }
        if (outcome.promptTokens() > 0 || outcome.completionTokens() > 0 || outcome.costUsd() > 0) {
            UsageSeries usage = usageSeries.get(new UsageSeries.Key(outcome.model(), outcome.team()));
            if (outcome.promptTokens() > 0) {
                usage.promptTokens.get().inc(outcome.promptTokens());
            }
            if (outcome.completionTokens() > 0) {
                usage.completionTokens.get().inc(outcome.completionTokens());
            }
            if (outcome.costUsd() > 0) {
                usage.cost.get().inc(outcome.costUsd());
            }
        }
    }

    private RequestSeries newRequestSeries(RequestSeries.Key key) {
        return new RequestSeries(
                requests.labelValues(key.route(), key.model(), key.backend(), key.statusClass(), key.decision()),
                new LazyChild<>(() -> refusals.labelValues(key.decision())),
                new LazyChild<>(() -> duration.labelValues(key.route(), key.model(), key.backend())),
                new LazyChild<>(() -> upstreamDuration.labelValues(key.backend())),
                new LazyChild<>(() -> overhead.labelValues(key.route())),
                new LazyChild<>(() -> timeToFirstToken.labelValues(key.model(), key.backend())),
                new LazyChild<>(() -> streamTokensPerSecond.labelValues(key.model(), key.backend())));
    }

    private UsageSeries newUsageSeries(UsageSeries.Key key) {
        return new UsageSeries(
                new LazyChild<>(() -> tokens.labelValues(key.model(), key.team(), "prompt")),
                new LazyChild<>(() -> tokens.labelValues(key.model(), key.team(), "completion")),
                new LazyChild<>(() -> cost.labelValues(key.model(), key.team())));
    }

    private String userLabel(String user) {
        if (labelledUsers.contains(user)) {
            return user;
        }
        synchronized (labelledUsers) {
            if (labelledUsers.size() < maxUsers) {
                labelledUsers.add(user);
                return user;
            }
        }
        return labelledUsers.contains(user) ? user : "other";
    }

    public void auditCommitted(long nanos) {
        auditCommit.observe(nanos / 1e9);
    }

    public void auditCommitFailed() {
        auditCommitFailures.inc();
    }

    public void backendProbed(String backend, boolean up) {
        backendUp.labelValues(backend).set(up ? 1 : 0);
    }

    /** With tracing on: the span pipeline's exported and dropped counts, read at each scrape. Call once. */
    public void traceSpans(TraceSpanCounts counts) {
        CounterWithCallback.builder()
                .name("palisade_trace_spans_exported_total")
                .help("Trace spans the OTLP collector accepted")
                .callback(callback -> callback.call((double) counts.exported()))
                .register(registry);
        CounterWithCallback.builder()
                .name("palisade_trace_spans_dropped_total")
                .help(
                        "Trace spans lost, by reason: queue_full (the export queue was full) or export_failed (the collector "
                                + "refused them or was unreachable after the exporter's retries)")
                .labelNames("reason")
                .callback(callback -> {
                    callback.call((double) counts.droppedQueueFull(), "queue_full");
                    callback.call((double) counts.droppedExportFailed(), "export_failed");
                })
                .register(registry);
    }
}
