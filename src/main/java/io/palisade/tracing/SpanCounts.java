package io.palisade.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.palisade.metrics.TraceSpanCounts;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what becomes of the spans handed to the SDK's pipeline. Export outcomes are counted by
 * wrapping the OTLP exporter ({@link #counting}); spans the batch processor drops because its
 * queue is full are reported by the processor itself through the SDK's metrics, which this class
 * reads as a {@link MetricReader} at scrape time (no periodic export). Thread-safe.
 */
final class SpanCounts implements MetricReader, TraceSpanCounts {
    /** The processor's drop counter: the SDK's legacy telemetry ("processedSpans", dropped=true)... */
    private static final String LEGACY_PROCESSED = "processedSpans";

    private static final AttributeKey<Boolean> LEGACY_DROPPED = AttributeKey.booleanKey("dropped");
    /** ...or, with the SDK's semantic-convention telemetry, the processed counter with an error.type. */
    private static final String PROCESSED = "otel.sdk.processor.span.processed";

    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final LongAdder exported = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    /** The exporter, counting each batch's outcome once the exporter (with its retries) has finished with it. */
    SpanExporter counting(SpanExporter exporter) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                int size = spans.size();
                CompletableResultCode result = exporter.export(spans);
                result.whenComplete(() -> (result.isSuccess() ? exported : failed).add(size));
                return result;
            }

            @Override
            public CompletableResultCode flush() {
                return exporter.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return exporter.shutdown();
            }
        };
    }

    @Override
    public long exported() {
        return exported.sum();
    }

    @Override
    public long droppedExportFailed() {
        return failed.sum();
    }

    @Override
    public long droppedQueueFull() {
        long dropped = 0;
        for (MetricData metric : registration.collectAllMetrics()) {
            if (metric.getType() != MetricDataType.LONG_SUM) {
                continue;
            }
            for (LongPointData point : metric.getLongSumData().getPoints()) {
                boolean legacyDrop = metric.getName().equals(LEGACY_PROCESSED)
                        && Boolean.TRUE.equals(point.getAttributes().get(LEGACY_DROPPED));
                boolean drop = metric.getName().equals(PROCESSED)
                        && point.getAttributes().get(ERROR_TYPE) != null;
                if (legacyDrop || drop) {
                    dropped += point.getValue();
                }
            }
        }
        return dropped;
    }

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
