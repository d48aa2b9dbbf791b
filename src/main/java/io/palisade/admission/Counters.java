package io.palisade.admission;

import java.util.List;

/**
 * The counters behind admission: in this process ({@link LocalCounters}) or shared by every
 * replica (Redis). Contract, which every implementation passes (CountersContract):
 * <ul>
 *   <li>{@link #reserve} is atomic over all its claims: either every claim fits and all are
 *       applied, or none is applied. Concurrent reservations never take a counter past its limit.</li>
 *   <li>A RATE window is 60 s, counted in whole-second buckets, conservatively: an amount stays
 *       counted for between 60 and 61 seconds, so no 60-second span ever holds more than the limit.</li>
 *   <li>{@link #settle} replaces each claim's reserved amount by the actual one (RATE: only while the
 *       reservation is still inside the window; BUDGET: always), frees CONCURRENCY slots, and is
 *       called exactly once per admitted reservation.</li>
 * </ul>
 * Thread-safe.
 */
public interface Counters extends AutoCloseable {
    /**
     * {@code reservationId} is unique per request; {@code nowMillis} is wall-clock time (shared by replicas).
     * A BUDGET claim whose counter does not exist (or whose period has ended) is never started at 0:
     * the answer is {@link Verdict#unseeded} and nothing is applied, so that budgets are always
     * counted from durable usage, however the counter was lost.
     */
    Verdict reserve(String reservationId, List<Claim> claims, long nowMillis);

    /**
     * {@code actual} holds each claim of the reservation (as reserved) with the real amount it used
     * (ignored for CONCURRENCY).
     */
    void settle(String reservationId, List<ClaimAmount> actual, long reservedAtMillis, long nowMillis);

    /**
     * Starts a BUDGET counter at {@code amount} unless it already exists: budgets outlive processes
     * (and Redis restarts), so a counter missing when it is needed is seeded from the settled usage
     * in the store. An implementation whose counters can be lost while this process holds
     * reservations against them (Redis) adds those reservations, so that they are neither
     * forgotten nor, when they settle, taken off a total that never held them.
     */
    void seedBudget(String key, long amount, long expiresAtMillis);

    /**
     * Whether reservations can be decided now (for readiness): false while shared counters are
     * unreachable. Cheap; never blocks.
     */
    default boolean healthy() {
        return true;
    }

    /** Current usage of a claim's key (for headers and tests), without changing anything. */
    long used(Claim claim, long nowMillis);

    @Override
    default void close() {}
}
