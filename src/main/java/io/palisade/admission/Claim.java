package io.palisade.admission;

/**
 * One limit a request must fit under, as the counters see it.
 * <ul>
 *   <li>{@link Kind#RATE}: a sliding 60-second window of amounts under {@code key}: requests per
 *       minute (amount 1) or tokens per minute (amount = reserved tokens).</li>
 *   <li>{@link Kind#CONCURRENCY}: in-flight requests under {@code key} (amount 1); the slot frees on
 *       settle, or by itself at {@code expiresAtMillis} if its holder died.</li>
 *   <li>{@link Kind#BUDGET}: a running total under {@code key} (which names the period, e.g.
 *       "…:day:2026-11-23") that lives until {@code expiresAtMillis}, the period's end.</li>
 * </ul>
 * {@code measure} says what the amounts count (requests, tokens or micro-dollars): the counters
 * ignore it; admission decides by it what a request actually used and how a refusal is worded, so
 * that no logic reads the key's spelling. {@code limit} is inclusive: usage may reach it, never
 * pass it. {@code describe} names the limit for errors and the audit ("team ml: 5000 tokens per minute").
 */
public record Claim(
        Kind kind, Measure measure, String key, long limit, long amount, long expiresAtMillis, String describe) {
    public enum Kind {
        RATE,
        CONCURRENCY,
        BUDGET
    }

    /** What a claim's amounts count. */
    public enum Measure {
        /** Requests: 1 per request (requests per minute, and requests in flight). */
        REQUESTS,
        /** Tokens, as {@code limits.tokens_counted} counts them. */
        TOKENS,
        /** Cost in micro-dollars. */
        COST
    }
}
