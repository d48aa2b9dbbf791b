package io.palisade.admission;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The budget counters this replica has seeded from the store, by claim key (which names the
 * period), so each is seeded once. Bounded: a counter's key is dropped once its period has ended
 * (no claim names it again), swept at most once per {@link #SWEEP_EVERY_MILLIS}, so what is held
 * is the budgets of current periods, not every period ever seen. Thread-safe.
 */
final class SeededBudgets {
    static final long SWEEP_EVERY_MILLIS = 60_000;

    /** Claim key to the end of its period. */
    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private volatile long nextSweepMillis = Long.MIN_VALUE;

    boolean contains(String key) {
        return expiries.containsKey(key);
    }

    /** Remembers {@code key} as seeded until {@code expiresAtMillis}. */
    void add(String key, long expiresAtMillis, long nowMillis) {
        long due = nextSweepMillis;
        if (nowMillis >= due || nowMillis < due - SWEEP_EVERY_MILLIS) {
            // Racing sweepers do the same idempotent work; the second test notices a clock set back.
            nextSweepMillis = nowMillis + SWEEP_EVERY_MILLIS;
            expiries.values().removeIf(expiry -> expiry <= nowMillis);
        }
        expiries.put(key, expiresAtMillis);
    }

    int size() {
        return expiries.size();
    }
}
