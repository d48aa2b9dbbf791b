package io.palisade.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;
import java.util.Map;

/**
 * A finished Palisade {@link Span}, as the OpenTelemetry SDK's span processors and exporters read
 * spans. Palisade chooses its span ids before the spans exist (the backend is told the id of the
 * backend-call span when it is called), which the SDK's own spans cannot do, so the gateway
 * records spans itself and hands each, ended, to the SDK's pipeline. Immutable.
 */
final class RecordedSpan implements ReadableSpan, SpanData {
    static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("io.palisade");

    private final Span span;
    private final SpanContext context;
    private final SpanContext parent;
    private final Attributes attributes;
    private final Resource resource;

    RecordedSpan(Span span, Resource resource) {
        this.span = span;
        this.resource = resource;
        this.context =
                SpanContext.create(span.traceId(), span.spanId(), TraceFlags.getSampled(), TraceState.getDefault());
        SpanKind kind = kindOf(span);
        if (span.parentSpanId() == null) {
            this.parent = SpanContext.getInvalid();
        } else if (kind == SpanKind.SERVER) {
            // A server span's parent is the caller's span, named by its traceparent.
            this.parent = SpanContext.createFromRemoteParent(
                    span.traceId(), span.parentSpanId(), TraceFlags.getSampled(), TraceState.getDefault());
        } else {
            this.parent = SpanContext.create(
                    span.traceId(), span.parentSpanId(), TraceFlags.getSampled(), TraceState.getDefault());
        }
        this.attributes = attributes(span.attributes());
    }

    private static SpanKind kindOf(Span span) {
        return switch (span.kind()) {
            case 2 -> SpanKind.SERVER;
            case 3 -> SpanKind.CLIENT;
            default -> SpanKind.INTERNAL;
        };
    }

    private static Attributes attributes(Map<String, Object> values) {
        AttributesBuilder builder = Attributes.builder();
        values.forEach((key, value) -> {
            if (value instanceof Number number) {
                builder.put(AttributeKey.longKey(key), number.longValue());
            } else if (value instanceof Boolean bool) {
                builder.put(AttributeKey.booleanKey(key), bool);
            } else if (value != null) {
                builder.put(AttributeKey.stringKey(key), value.toString());
            }
        });
        return builder.build();
    }

    @Override
    public SpanContext getSpanContext() {
        return context;
    }

    @Override
    public SpanContext getParentSpanContext() {
        return parent;
    }

    @Override
    public String getName() {
        return span.name();
    }

    @Override
    public SpanKind getKind() {
        return kindOf(span);
    }

    @Override
    public SpanData toSpanData() {
        return this;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return SCOPE;
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation") // both interfaces still declare the pre-1.0 accessor
    public io.opentelemetry.sdk.common.InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return io.opentelemetry.sdk.common.InstrumentationLibraryInfo.create(SCOPE.getName(), null);
    }

    @Override
    public boolean hasEnded() {
        return true;
    }

    @Override
    public long getLatencyNanos() {
        return span.endEpochNanos() - span.startEpochNanos();
    }

    @Override
    public <T> T getAttribute(AttributeKey<T> key) {
        return attributes.get(key);
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public StatusData getStatus() {
        return span.error() ? StatusData.error() : StatusData.ok();
    }

    @Override
    public long getStartEpochNanos() {
        return span.startEpochNanos();
    }

    @Override
    public long getEndEpochNanos() {
        return span.endEpochNanos();
    }

    @Override
    public List<EventData> getEvents() {
        return List.of();
    }

    @Override
    public List<LinkData> getLinks() {
        return List.of();
    }

    @Override
    public int getTotalRecordedEvents() {
        return 0;
    }

    @Override
    public int getTotalRecordedLinks() {
        return 0;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }

    @Override
    public Resource getResource() {
        return resource;
    }
}
