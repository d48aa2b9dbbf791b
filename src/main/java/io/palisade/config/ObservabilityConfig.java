package io.palisade.config;

import java.net.URI;
import java.time.Duration;

/**
 * Metrics, probes, request logs and traces.
 *
 * @param metricsToken bearer token that may read /metrics (admin keys may too); empty: admin keys only
 * @param metricsListener where /metrics and the health probes are served: the main listener or one of their own
 * @param probeInterval how often each backend is actively probed
 * @param requestLog one structured log line per request ("palisade.request" logger)
 * @param otlpEndpoint OTLP/HTTP traces endpoint (…/v1/traces); null = OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT if set, else tracing off
 * @param serviceName service.name reported with traces; null = OTEL_SERVICE_NAME if set, else "palisade"
 * @param perUserMetrics also count requests and tokens per user (label {@code user}); off by default
 * @param maxMetricUsers with per-user metrics, how many distinct users get their own label; later ones count as "other"
 * @param traceSampleRatio share of new traces sampled (0..1, parent-based: a caller's sampled flag wins); null =
 *     OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG if set, else 1.0
 */
public record ObservabilityConfig(
        Secret metricsToken,
        MetricsListener metricsListener,
        Duration probeInterval,
        boolean requestLog,
        URI otlpEndpoint,
        String serviceName,
        boolean perUserMetrics,
        int maxMetricUsers,
        Double traceSampleRatio) {}
