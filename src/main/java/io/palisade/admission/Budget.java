package io.palisade.admission;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/**
 * A spending cap over a period: {@code tokens} (counted as configured) and/or {@code cost} in US
 * dollars; null means that dimension is not capped. Periods are calendar periods in UTC and reset
 * on their own: a new period is a new counter.
 */
public record Budget(Period period, Long tokens, Double cost) {

    public enum Period {
        DAY,
        WEEK,
        MONTH,
        TOTAL;

        /** A stable name of the period containing {@code now}, e.g. "day:2026-11-23", "week:2026-W48". */
        public String id(Instant now) {
            LocalDate date = now.atZone(ZoneOffset.UTC).toLocalDate();
            return switch (this) {
                case DAY -> "day:" + date;
                case WEEK ->
                    "week:" + date.get(IsoFields.WEEK_BASED_YEAR) + "-W" + date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                case MONTH -> "month:" + date.withDayOfMonth(1).toString().substring(0, 7);
                case TOTAL -> "total";
            };
        }

        public Instant start(Instant now) {
            LocalDate date = now.atZone(ZoneOffset.UTC).toLocalDate();
            LocalDate start = switch (this) {
                case DAY -> date;
                case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                case MONTH -> date.withDayOfMonth(1);
                case TOTAL -> LocalDate.of(1970, 1, 1);
            };
            return start.atStartOfDay(ZoneOffset.UTC).toInstant();
        }

        /** When the period containing {@code now} ends (the "total" period: in a century). */
        public Instant end(Instant now) {
            LocalDate start = start(now).atZone(ZoneOffset.UTC).toLocalDate();
            LocalDate end = switch (this) {
                case DAY -> start.plusDays(1);
                case WEEK -> start.plusWeeks(1);
                case MONTH -> start.plusMonths(1);
                case TOTAL -> now.atZone(ZoneOffset.UTC).toLocalDate().plusYears(100);
            };
            return end.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }
}
