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

    void export(Span span);

    /** False when tracing is off: callers skip building spans. */
    boolean enabled();

    @Override
    default void close() {}
}
