package io.palisade.metrics;

/**
 * Where the trace pipeline's span counts are read from at scrape time. Each count only grows.
 * Implementations are thread-safe and cheap enough to call on every scrape.
 */
public interface TraceSpanCounts {
    /** Spans the collector accepted. */
    long exported();

    /** Spans dropped because the export queue was full (the collector is slower than the traffic). */
    long droppedQueueFull();

    /** Spans dropped because the collector refused them or could not be reached, after the exporter's retries. */
    long droppedExportFailed();
}
