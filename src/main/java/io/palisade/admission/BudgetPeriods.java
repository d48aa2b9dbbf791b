package io.palisade.admission;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The id, start and end of each budget period at a given time, remembered for the period the
 * clock is in: every budget claim needs them, and computing them formats a date each time, while
 * they change only at a UTC midnight. Values are exactly those of {@link Budget.Period#id},
 * {@link Budget.Period#start} and {@link Budget.Period#end}; a time outside the remembered window
 * (the clock passed its end, or was set back) computes them afresh.
 *
 * <p>Thread-safe: each period's window is immutable and published through its own
 * {@link AtomicReference} (the map of them is filled once, at construction); threads that miss at once compute equal windows and the last one stays.
 */
final class BudgetPeriods {
    private static final long DAY_MILLIS = 86_400_000L;

    private final Map<Budget.Period, AtomicReference<Window>> windows = new EnumMap<>(Budget.Period.class);

    BudgetPeriods() {
        for (Budget.Period period : Budget.Period.values()) {
            windows.put(period, new AtomicReference<>());
        }
    }

    /**
     * One period's values, valid for times in {@code [fromMillis, untilMillis)}: the period itself,
     * except for TOTAL, whose end moves every day (see {@link Budget.Period#end}), so one UTC day.
     */
    record Window(long fromMillis, long untilMillis, String id, Instant start, long endMillis) {
        boolean contains(long millis) {
            return millis >= fromMillis && millis < untilMillis;
        }
    }

    /** The window of {@code period} that holds {@code nowMillis}. */
    Window at(Budget.Period period, long nowMillis) {
        AtomicReference<Window> remembered = windows.get(period);
        Window window = remembered.get();
        if (window == null || !window.contains(nowMillis)) {
            window = compute(period, nowMillis);
            remembered.set(window);
        }
        return window;
    }

    private static Window compute(Budget.Period period, long nowMillis) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        Instant start = period.start(now);
        long end = period.end(now).toEpochMilli();
        if (period == Budget.Period.TOTAL) {
            // Every value depends only on the UTC date; days are whole multiples of DAY_MILLIS in UTC.
            long day = Math.floorDiv(nowMillis, DAY_MILLIS) * DAY_MILLIS;
            return new Window(day, day + DAY_MILLIS, period.id(now), start, end);
        }
        return new Window(start.toEpochMilli(), end, period.id(now), start, end);
    }
}
