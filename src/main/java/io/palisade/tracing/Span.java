package io.palisade.tracing;

import java.util.Map;

/** A finished span, ready for export. Times in Unix epoch nanoseconds. {@code kind}: 2 server, 3 client (OTLP). */
public record Span(
        String traceId,
        String spanId,
        String parentSpanId,
        String name,
        int kind,
        long startEpochNanos,
        long endEpochNanos,
        Map<String, Object> attributes,
        boolean error) {}
