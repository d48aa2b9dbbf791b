package io.palisade.config;

import java.time.Duration;

/**
 * Per-backend time limits. {@code firstByte} bounds the wait for the response headers (the
 * backend starting to answer); {@code total} bounds the whole exchange including a stream.
 * {@code checks} bounds each background exchange the gateway makes on its own (model discovery,
 * health probes, pin checks) from the request's start to the answer's end: those answers are
 * small, so a backend that takes longer is treated as unreachable rather than waited for.
 */
public record Timeouts(Duration connect, Duration firstByte, Duration total, Duration checks) {
    public static final Duration DEFAULT_CHECKS = Duration.ofSeconds(5);
    public static final Timeouts DEFAULTS =
            new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofMinutes(10), DEFAULT_CHECKS);

    /** With the default limit for checks. */
    public Timeouts(Duration connect, Duration firstByte, Duration total) {
        this(connect, firstByte, total, DEFAULT_CHECKS);
    }

    /**
     * The limits of a background check: {@code checks} for the first byte and for the whole
     * exchange, never longer than the backend's own first-byte and total limits.
     */
    public Timeouts forChecks() {
        return new Timeouts(connect, min(checks, firstByte), min(checks, total), checks);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
