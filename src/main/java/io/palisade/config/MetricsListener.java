package io.palisade.config;

/**
 * Where {@code /metrics} and the health probes are served ({@code metrics.port}). Immutable.
 */
public sealed interface MetricsListener {
    /** On the main listener: {@code metrics.port} unset or {@code 0} (the default). */
    MetricsListener MAIN = new Main();

    /** On the main listener, next to the API. */
    record Main() implements MetricsListener {}

    /**
     * On a listener of their own (same host), for an operations network: on {@code port}, or on a
     * port the system picks when {@code port} is 0 ({@code metrics.port: any}; the port bound is
     * logged and printed at start).
     */
    record Separate(int port) implements MetricsListener {}
}
