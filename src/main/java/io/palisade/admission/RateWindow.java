package io.palisade.admission;

/**
 * A sliding 60-second window in one-second buckets (a ring of 61). An amount added at second
 * {@code b} counts while the current second is at most {@code b + 60}: between 60 and 61 seconds,
 * never less, so no 60-second span can hold more than the limit. Not thread-safe: guarded by
 * its owner's lock.
 */
final class RateWindow {
    static final int BUCKETS = 61;

    private final long[] seconds = new long[BUCKETS];
    private final long[] amounts = new long[BUCKETS];

    static long bucket(long millis) {
        return Math.floorDiv(millis, 1000);
    }

    long sum(long nowMillis) {
        long now = bucket(nowMillis);
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (now - seconds[i] < BUCKETS && amounts[i] != 0) {
                total += amounts[i];
            }
        }
        return total;
    }

    /**
     * True when no second of the window is still inside it: it counts nothing and no later
     * {@link #adjust} can change it, so its owner may drop it and start afresh.
     */
    boolean idle(long nowMillis) {
        long now = bucket(nowMillis);
        for (int i = 0; i < BUCKETS; i++) {
            if (now - seconds[i] < BUCKETS) {
                return false;
            }
        }
        return true;
    }

    void add(long second, long amount) {
        int slot = (int) Math.floorMod(second, (long) BUCKETS);
        if (seconds[slot] != second) {
            seconds[slot] = second;
            amounts[slot] = 0;
        }
        amounts[slot] += amount;
    }

    /** Corrects an earlier addition, if its second is still inside the window. */
    void adjust(long second, long delta, long nowMillis) {
        int slot = (int) Math.floorMod(second, (long) BUCKETS);
        if (seconds[slot] == second && bucket(nowMillis) - second < BUCKETS) {
            amounts[slot] = Math.max(0, amounts[slot] + delta);
        }
    }

    /** Milliseconds until enough has left the window for {@code amount} more to fit under {@code limit}. */
    long retryAfter(long limit, long amount, long nowMillis) {
        long now = bucket(nowMillis);
        long excess = sum(nowMillis) + amount - limit;
        if (amount > limit) {
            return 60_000;
        }
        long freed = 0;
        for (long second = now - BUCKETS + 1; second <= now; second++) {
            int slot = (int) Math.floorMod(second, (long) BUCKETS);
            if (seconds[slot] == second) {
                freed += amounts[slot];
            }
            if (freed >= excess) {
                return (second + BUCKETS) * 1000 - nowMillis;
            }
        }
        return 60_000;
    }
}
