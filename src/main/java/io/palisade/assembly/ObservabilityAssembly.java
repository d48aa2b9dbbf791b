package io.palisade.assembly;

import io.palisade.config.ObservabilityConfig;
import io.palisade.metrics.GatewayMetrics;
import io.palisade.tracing.OpenTelemetrySpans;
import io.palisade.tracing.SpanExporter;

/** Metrics and traces: the registry every other assembly reports into, and the span exporter (its threads are the SDK's). */
public final class ObservabilityAssembly implements Assembly {
    private final GatewayMetrics metrics;
    private final SpanExporter spans;

    public ObservabilityAssembly(ObservabilityConfig config) {
        this.metrics = new GatewayMetrics(config.perUserMetrics(), config.maxMetricUsers());
        this.spans = OpenTelemetrySpans.create(config, metrics);
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public SpanExporter spans() {
        return spans;
    }

    @Override
    public void close() {
        spans.close();
    }
}
