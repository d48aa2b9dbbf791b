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
 * {@code limit} is inclusive: usage may reach it, never pass it. {@code describe} names the limit
 * for errors and the audit ("team ml: 5000 tokens per minute").
 */
public record Claim(Kind kind, String key, long limit, long amount, long expiresAtMillis, String describe) {
    public enum Kind { RATE, CONCURRENCY, BUDGET }
}
