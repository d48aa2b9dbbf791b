package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 15, item 24: the set of seeded budget counters held every period ever seen; now only current ones. */
class SeededBudgetsTest {
    private static final long DAY = 86_400_000L;

    @Test
    void manyKeysThroughManyPeriodsStayBounded() {
        SeededBudgets seeded = new SeededBudgets();
        long start = 1_790_000_000_000L;
        int largest = 0;
        for (int day = 0; day < 100; day++) {
            long dayStart = start + day * DAY;
            for (int k = 0; k < 1_000; k++) {
                String key = "key:k" + k + ":budget:day:" + day;
                seeded.add(key, dayStart + DAY, dayStart + k * 100L);
                assertThat(seeded.contains(key)).isTrue();
                largest = Math.max(largest, seeded.size());
            }
        }
        assertThat(largest).as("one day's keys and the previous day's until the first sweep of the day").isLessThanOrEqualTo(2_000);
        assertThat(seeded.contains("key:k0:budget:day:98")).as("a past period's key is dropped").isFalse();
        assertThat(seeded.contains("key:k0:budget:day:99")).as("the current period's key is kept").isTrue();
    }
}
