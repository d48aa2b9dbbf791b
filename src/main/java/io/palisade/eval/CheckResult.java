package io.palisade.eval;

import java.util.Objects;

/**
 * The outcome of one {@link Check} on one answer: the check's {@link Check#type() type}, whether it
 * passed, and a human-readable {@code detail} that says what was found or what failed, e.g.
 * {@code answer contains "391"} or {@code JSON from the whole answer: $.age: expected integer, got string}.
 * {@code detail} is never null. Immutable and thread-safe.
 */
public record CheckResult(String type, boolean passed, String detail) {
    public CheckResult {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
    }
}
