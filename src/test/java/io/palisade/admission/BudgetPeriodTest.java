package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BudgetPeriodTest {
    private static final Instant SUNDAY_NIGHT = Instant.parse("2026-11-29T23:59:59Z");

    @Test
    void periodsAreUtcCalendarPeriods() {
        assertThat(Budget.Period.DAY.id(SUNDAY_NIGHT)).isEqualTo("day:2026-11-29");
        assertThat(Budget.Period.DAY.end(SUNDAY_NIGHT)).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(Budget.Period.WEEK.id(SUNDAY_NIGHT)).isEqualTo("week:2026-W48");
        assertThat(Budget.Period.WEEK.start(SUNDAY_NIGHT)).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(Budget.Period.WEEK.end(SUNDAY_NIGHT)).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(Budget.Period.WEEK.id(Instant.parse("2026-11-30T00:00:00Z"))).isEqualTo("week:2026-W49");
        assertThat(Budget.Period.MONTH.id(SUNDAY_NIGHT)).isEqualTo("month:2026-11");
        assertThat(Budget.Period.MONTH.end(SUNDAY_NIGHT)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(Budget.Period.MONTH.id(Instant.parse("2026-12-31T23:00:00Z")))
                .isEqualTo("month:2026-12");
        assertThat(Budget.Period.MONTH.end(Instant.parse("2026-12-31T23:00:00Z")))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(Budget.Period.TOTAL.id(SUNDAY_NIGHT)).isEqualTo("total");
        assertThat(Budget.Period.TOTAL.end(SUNDAY_NIGHT)).isAfter(Instant.parse("2126-01-01T00:00:00Z"));
    }
}
