package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalCountersTest extends CountersContract {
    private static final long DAY = 86_400_000L;

    @Override
    protected Counters newCounters() {
        return new LocalCounters();
    }

    /**
     * Issue 15, item 24: counters of windows and periods that have passed are evicted. 500 keys a
     * day for 60 days, each with a rate, a concurrency slot and a day budget: before, every key of
     * every day stayed (90,000 entries at the end); now only what still counts.
     */
    @Test
    void manyKeysThroughManyPeriodsKeepTheCountersBounded() {
        LocalCounters counters = new LocalCounters();
        long start = 1_790_000_000_000L;
        int keysPerDay = 500;
        int largest = 0;
        for (int day = 0; day < 60; day++) {
            long dayStart = start + day * DAY;
            for (int k = 0; k < keysPerDay; k++) {
                long now = dayStart + k * 1_000L; // one key a second, some eight minutes of traffic a day
                String key = "key:d" + day + "k" + k;
                List<Claim> claims = List.of(
                        new Claim(Claim.Kind.RATE, Claim.Measure.REQUESTS, key + ":rpm", 10, 1, 0, "rpm"),
                        new Claim(
                                Claim.Kind.CONCURRENCY,
                                Claim.Measure.REQUESTS,
                                key + ":concurrent",
                                2,
                                1,
                                now + 30_000,
                                "concurrent"),
                        new Claim(
                                Claim.Kind.BUDGET,
                                Claim.Measure.TOKENS,
                                key + ":budget:day:" + day,
                                1_000,
                                10,
                                dayStart + DAY,
                                "budget"));
                counters.seedBudget(
                        key + ":budget:day:" + day, 0, dayStart + DAY); // the contract: budgets start seeded
                assertThat(counters.reserve("r" + day + "-" + k, claims, now).admitted())
                        .isTrue();
                if (k % 2 == 0) {
                    counters.settle("r" + day + "-" + k, settled(claims, 1, 1, 5), now, now + 10);
                }
                largest = Math.max(largest, counters.size());
            }
        }
        // A day's budgets (500) plus the rate windows and slots of the last two minutes or so.
        assertThat(largest)
                .isLessThanOrEqualTo(keysPerDay + 3 * (int) (2 * LocalCounters.SWEEP_EVERY_MILLIS / 1_000) + 10);
        counters.reserve(
                "late",
                List.of(new Claim(Claim.Kind.RATE, Claim.Measure.REQUESTS, "key:late:rpm", 10, 1, 0, "rpm")),
                start + 61 * DAY);
        assertThat(counters.size()).as("everything of past days evicted").isEqualTo(1);
    }

    /** Eviction forgets nothing that still counts: a window inside its minute, a live slot, a current budget. */
    @Test
    void aSweepKeepsWhatStillCounts() {
        LocalCounters counters = new LocalCounters();
        long t0 = 1_790_000_000_000L;
        Claim slot = new Claim(
                Claim.Kind.CONCURRENCY,
                Claim.Measure.REQUESTS,
                "key:a:concurrent",
                1,
                1,
                t0 + 30 * 60_000L,
                "concurrent");
        Claim budget =
                new Claim(Claim.Kind.BUDGET, Claim.Measure.TOKENS, "key:a:budget:day", 15, 10, t0 + DAY, "budget");
        Claim rate = new Claim(Claim.Kind.RATE, Claim.Measure.REQUESTS, "key:c:rpm", 2, 1, 0, "rpm");
        counters.seedBudget("key:a:budget:day", 0, t0 + DAY); // the contract: budgets start seeded
        assertThat(counters.reserve(
                                "first",
                                List.of(
                                        new Claim(Claim.Kind.RATE, Claim.Measure.REQUESTS, "key:a:rpm", 2, 1, 0, "rpm"),
                                        slot,
                                        budget),
                                t0)
                        .admitted())
                .isTrue();
        assertThat(counters.reserve("c1", List.of(rate), t0 + 30_000).admitted())
                .isTrue();
        assertThat(counters.reserve("c2", List.of(rate), t0 + 30_000).admitted())
                .isTrue();
        long swept = t0 + LocalCounters.SWEEP_EVERY_MILLIS + 10_000;
        assertThat(counters.reserve(
                                "sweeper",
                                List.of(new Claim(
                                        Claim.Kind.RATE, Claim.Measure.REQUESTS, "key:b:rpm", 10, 1, 0, "rpm")),
                                swept)
                        .admitted())
                .isTrue();
        assertThat(counters.size()).as("only key a's past window went").isEqualTo(4);
        assertThat(counters.reserve("c3", List.of(rate), swept).admitted())
                .as("c's window was kept")
                .isFalse();
        assertThat(counters.used(slot, swept)).isEqualTo(1);
        assertThat(counters.reserve("second", List.of(budget), swept).admitted())
                .as("the budget was kept")
                .isFalse();
    }
}
