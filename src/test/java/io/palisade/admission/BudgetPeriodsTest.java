package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The remembered period windows always give what {@link Budget.Period} computes, as the clock moves either way. */
class BudgetPeriodsTest {
    private final BudgetPeriods periods = new BudgetPeriods();

    @Test
    void aNewPeriodStartsAtItsFirstMillisecondAndSettingTheClockBackReturnsToTheOldOne() {
        assertDay("2026-11-29T23:59:59.999Z", "day:2026-11-29", "2026-11-30T00:00:00Z");
        assertDay("2026-11-30T00:00:00Z", "day:2026-11-30", "2026-12-01T00:00:00Z");
        assertDay("2026-11-29T12:00:00Z", "day:2026-11-29", "2026-11-30T00:00:00Z");

        assertThat(periods.at(Budget.Period.WEEK, millis("2026-11-29T23:59:59.999Z"))
                        .id())
                .isEqualTo("week:2026-W48");
        assertThat(periods.at(Budget.Period.WEEK, millis("2026-11-30T00:00:00Z"))
                        .id())
                .isEqualTo("week:2026-W49");
        assertThat(periods.at(Budget.Period.WEEK, millis("2026-11-30T00:00:00Z"))
                        .start())
                .isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(periods.at(Budget.Period.MONTH, millis("2026-11-30T23:59:59.999Z"))
                        .id())
                .isEqualTo("month:2026-11");
        assertThat(periods.at(Budget.Period.MONTH, millis("2026-12-01T00:00:00Z"))
                        .endMillis())
                .isEqualTo(millis("2027-01-01T00:00:00Z"));

        long totalEnd = periods.at(Budget.Period.TOTAL, millis("2026-11-29T23:59:59.999Z"))
                .endMillis();
        assertThat(periods.at(Budget.Period.TOTAL, millis("2026-11-30T00:00:00Z"))
                        .endMillis())
                .as("the total period's end moves with the date")
                .isEqualTo(totalEnd + 86_400_000L);
    }

    @Test
    void everyWindowMatchesThePeriodAlongARandomWalkOfTheClock() {
        Random random = new Random(42);
        long now = millis("2026-12-25T00:00:00Z");
        List<Long> steps = List.of(1L, 999L, 3_600_000L, 86_400_000L, 7 * 86_400_000L, 31 * 86_400_000L);
        for (int i = 0; i < 20_000; i++) {
            long step = steps.get(random.nextInt(steps.size()));
            now += random.nextBoolean() ? step + random.nextInt(1000) : -step / 2;
            Instant instant = Instant.ofEpochMilli(now);
            for (Budget.Period period : Budget.Period.values()) {
                BudgetPeriods.Window window = periods.at(period, now);
                assertThat(window.id()).as("%s at %s", period, instant).isEqualTo(period.id(instant));
                assertThat(window.start()).as("%s at %s", period, instant).isEqualTo(period.start(instant));
                assertThat(window.endMillis())
                        .as("%s at %s", period, instant)
                        .isEqualTo(period.end(instant).toEpochMilli());
            }
        }
    }

    private void assertDay(String at, String id, String end) {
        BudgetPeriods.Window window = periods.at(Budget.Period.DAY, millis(at));
        assertThat(window.id()).as(at).isEqualTo(id);
        assertThat(window.endMillis()).as(at).isEqualTo(millis(end));
        assertThat(window.start()).as(at).isEqualTo(Instant.parse(id.substring(4) + "T00:00:00Z"));
    }

    private static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }
}
