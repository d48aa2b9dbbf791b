package io.palisade.metrics;

/**
 * One finished request as the metrics see it. Times in seconds; negative means "did not happen"
 * (no backend call, no streamed first token). {@code team} is "-" when the caller has none;
 * {@code user} is null for unidentified callers (used only when per-user metrics are on).
 */
public record RequestOutcome(
        String route,
        String model,
        String backend,
        int status,
        String decision,
        boolean admitted,
        boolean refusedByLimits,
        double totalSeconds,
        double upstreamSeconds,
        double timeToFirstTokenSeconds,
        long promptTokens,
        long completionTokens,
        double costUsd,
        String team,
        String upstreamErrorKind,
        String user) {}
