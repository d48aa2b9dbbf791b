package io.palisade.routing;

/**
 * Recent outcomes of one deployment over a sliding window, in fixed time slots: requests, errors
 * and a coarse latency histogram (to compare medians without keeping every sample). Old slots are
 * cleared lazily as time moves on. The window's length, and so the slots' size, is fixed at
 * creation: every record and summary must slice time the same way. Thread-safe (one lock; a
 * record costs a few array writes).
 */
public final class OutcomeWindow {
    static final int SLOTS = 60;
    /** Latency bucket upper bounds grow by 25 %: 1 ms … about 15 minutes in 62 buckets. */
    private static final double[] BOUNDS = bounds();

    private final long windowMillis;
    private final long slotMillis;
    private final long[] slotStart = new long[SLOTS];
    private final long[] requests = new long[SLOTS];
    private final long[] errors = new long[SLOTS];
    private final long[][] latency = new long[SLOTS][BOUNDS.length + 1];

    /** The counts over the window ending now. */
    public record Summary(long requests, long errors, double medianMillis) {
        public double errorRate() {
            return requests == 0 ? 0 : (double) errors / requests;
        }
    }

    public OutcomeWindow(long windowMillis) {
        this.windowMillis = windowMillis;
        this.slotMillis = Math.max(1, windowMillis / SLOTS);
    }

    public long windowMillis() {
        return windowMillis;
    }

    public synchronized void record(long nowMillis, boolean error, double latencyMillis) {
        int slot = slot(nowMillis);
        requests[slot]++;
        if (error) {
            errors[slot]++;
        } else {
            latency[slot][bucket(latencyMillis)]++;
        }
    }

    public synchronized Summary summary(long nowMillis) {
        long oldest = nowMillis / slotMillis * slotMillis - (SLOTS - 1) * slotMillis;
        long total = 0;
        long failed = 0;
        long[] merged = new long[BOUNDS.length + 1];
        for (int i = 0; i < SLOTS; i++) {
            if (slotStart[i] < oldest || requests[i] == 0) {
                continue;
            }
            total += requests[i];
            failed += errors[i];
            for (int b = 0; b < merged.length; b++) {
                merged[b] += latency[i][b];
            }
        }
        return new Summary(total, failed, median(merged));
    }

    /** Forgets everything (a canary that starts over after a reset). */
    public synchronized void clear() {
        java.util.Arrays.fill(requests, 0);
        java.util.Arrays.fill(errors, 0);
        for (long[] row : latency) {
            java.util.Arrays.fill(row, 0);
        }
    }

    private int slot(long nowMillis) {
        long start = nowMillis / slotMillis * slotMillis;
        int slot = (int) ((start / slotMillis) % SLOTS);
        if (slotStart[slot] != start) {
            slotStart[slot] = start;
            requests[slot] = 0;
            errors[slot] = 0;
            java.util.Arrays.fill(latency[slot], 0);
        }
        return slot;
    }

    private static int bucket(double millis) {
        int low = 0;
        int high = BOUNDS.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (millis <= BOUNDS[middle]) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    private static double median(long[] histogram) {
        long count = 0;
        for (long c : histogram) {
            count += c;
        }
        if (count == 0) {
            return Double.NaN;
        }
        long seen = 0;
        for (int b = 0; b < histogram.length; b++) {
            seen += histogram[b];
            if (seen * 2 >= count) {
                return b < BOUNDS.length ? BOUNDS[b] : BOUNDS[BOUNDS.length - 1];
            }
        }
        return BOUNDS[BOUNDS.length - 1];
    }

    private static double[] bounds() {
        double[] bounds = new double[62];
        double value = 1;
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = value;
            value *= 1.25;
        }
        return bounds;
    }
}
