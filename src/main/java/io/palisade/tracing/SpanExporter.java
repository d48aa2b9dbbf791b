package io.palisade.tracing;

/** Where finished spans go. Implementations must not block the request path. Thread-safe. */
public interface SpanExporter extends AutoCloseable {
    SpanExporter NONE = new SpanExporter() {
        @Override
        public void export(Span span) {}

        @Override
        public boolean enabled() {
            return false;
        }
    };

    /**
     * The trace context of a request arriving with this {@code traceparent} header (null when
     * absent), including whether it is sampled. Called on the request path: must not block.
     * Without tracing: {@link TraceContext#from}, a caller's flag or sampled.
     */
    default TraceContext begin(String traceparent) {
        return TraceContext.from(traceparent);
    }

    /** Takes a finished span of a sampled trace. Called on the request path: must not block. */
    void export(Span span);

    /** False when tracing is off: callers skip building spans. */
    boolean enabled();

    @Override
    default void close() {}
}
