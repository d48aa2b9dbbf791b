package io.palisade.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.palisade.config.ObservabilityConfig;
import io.palisade.metrics.GatewayMetrics;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Traces through the OpenTelemetry SDK: its sampler decides per trace (parent-based trace-id
 * ratio by default), its batch span processor queues finished spans (bounded; full queue = span
 * dropped and counted, never a request delayed) and its OTLP exporter sends them (protobuf over
 * the JDK's HTTP client, with headers, timeout, compression and retries). Configured from
 * palisade.yaml and the standard {@code OTEL_*} settings ({@link TracingSettings}). Thread-safe.
 */
public final class OpenTelemetrySpans implements io.palisade.tracing.SpanExporter {
    private final OpenTelemetrySdk sdk;
    private final SpanProcessor processor;
    private final Sampler sampler;
    private final Resource resource;
    private final SpanCounts counts;

    private OpenTelemetrySpans(OpenTelemetrySdk sdk, Pipeline pipeline, SpanCounts counts) {
        this.sdk = sdk;
        this.processor = pipeline.processor;
        this.resource = pipeline.resource;
        this.sampler = sdk.getSdkTracerProvider().getSampler();
        this.counts = counts;
    }

    /**
     * The span exporter for this configuration: {@link io.palisade.tracing.SpanExporter#NONE} (the
     * request path builds no spans) unless palisade.yaml or the OpenTelemetry settings name a collector.
     */
    public static io.palisade.tracing.SpanExporter create(ObservabilityConfig config, GatewayMetrics metrics) {
        if (!TracingSettings.enabled(config, System::getProperty, System::getenv)) {
            return NONE;
        }
        OpenTelemetrySpans spans = start(config);
        metrics.traceSpans(spans.counts);
        return spans;
    }

    static OpenTelemetrySpans start(ObservabilityConfig config) {
        SpanCounts counts = new SpanCounts();
        Pipeline pipeline = new Pipeline();
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(TracingSettings::defaults)
                .addPropertiesCustomizer(properties -> TracingSettings.overrides(config))
                .addResourceCustomizer(
                        (resource, properties) -> pipeline.resource = TracingSettings.withDefaultServiceName(resource))
                .addSpanExporterCustomizer((exporter, properties) -> counts.counting(exporter))
                .addSpanProcessorCustomizer((processor, properties) -> pipeline.processor = processor)
                // The batch processor reports its queue-full drops through the SDK's meter provider.
                .addMeterProviderCustomizer((meters, properties) -> meters.registerMetricReader(counts))
                .disableShutdownHook() // Palisade closes its exporter itself, in its stop order
                .build()
                .getOpenTelemetrySdk();
        return new OpenTelemetrySpans(sdk, pipeline, counts);
    }

    /** The parts of the pipeline autoconfiguration builds, as it builds them. Used once, by {@link #start}. */
    private static final class Pipeline {
        private SpanProcessor processor;
        private Resource resource;
    }

    SpanCounts counts() {
        return counts;
    }

    /** The caller's trace (or a new one), sampled as the SDK's sampler decides: a caller's sampled flag is respected. */
    @Override
    public TraceContext begin(String traceparent) {
        TraceContext trace = TraceContext.from(traceparent);
        Context parent = Context.root();
        if (trace.parentSpanId() != null) {
            parent = parent.with(io.opentelemetry.api.trace.Span.wrap(SpanContext.createFromRemoteParent(
                    trace.traceId(),
                    trace.parentSpanId(),
                    trace.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(),
                    TraceState.getDefault())));
        }
        boolean sampled =
                sampler.shouldSample(parent, trace.traceId(), "request", SpanKind.SERVER, Attributes.empty(), List.of())
                                .getDecision()
                        == SamplingDecision.RECORD_AND_SAMPLE;
        return sampled == trace.sampled() ? trace : trace.withSampled(sampled);
    }

    /** Hands the span to the batch processor: a queue offer, never a wait. */
    @Override
    public void export(Span span) {
        processor.onEnd(new RecordedSpan(span, resource));
    }

    @Override
    public boolean enabled() {
        return true;
    }

    /** Sends what is queued now (tests; the processor sends on its own schedule otherwise). */
    void flush() {
        sdk.getSdkTracerProvider().forceFlush().join(30, TimeUnit.SECONDS);
    }

    /** Sends what is queued (bounded by the exporter's timeout) and stops the pipeline. */
    @Override
    public void close() {
        sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
}
