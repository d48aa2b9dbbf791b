package io.palisade.config;

import java.time.Duration;

/**
 * Per-backend time limits. {@code firstByte} bounds the wait for the response headers (the
 * backend starting to answer); {@code total} bounds the whole exchange including a stream.
 */
public record Timeouts(Duration connect, Duration firstByte, Duration total) {
    public static final Timeouts DEFAULTS =
            new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofMinutes(10));
}
