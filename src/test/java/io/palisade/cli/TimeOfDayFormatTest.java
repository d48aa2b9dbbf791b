package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.core.util.CachingDateFormatter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Formatting once per second gives Logback's %d{HH:mm:ss.SSS} text in any zone, across offset changes too. */
class TimeOfDayFormatTest {
    @Test
    void everyMillisecondAroundOffsetChangesIsLogbacksText() {
        List<String> zones = List.of(
                "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/Amsterdam");
        List<Instant> moments = List.of(
                Instant.parse("2026-03-29T01:00:00Z"),
                Instant.parse("2026-10-25T01:00:00Z"),
                Instant.parse("2026-03-08T07:00:00Z"),
                Instant.parse("2026-04-05T15:00:00Z"),
                Instant.parse("1900-06-01T12:00:00Z"),
                Instant.parse("1970-01-01T00:00:00Z"));
        for (String zone : zones) {
            TimeOfDayFormat format = new TimeOfDayFormat(ZoneId.of(zone), Locale.ROOT);
            CachingDateFormatter logback = new CachingDateFormatter("HH:mm:ss.SSS", ZoneId.of(zone), Locale.ROOT);
            for (Instant moment : moments) {
                for (long millis = moment.toEpochMilli() - 2_500;
                        millis <= moment.toEpochMilli() + 2_500;
                        millis += 7) {
                    StringBuilder line = new StringBuilder();
                    format.append(line, millis);
                    assertThat(line).as("%s at %d", zone, millis).hasToString(logback.format(millis));
                }
            }
        }
    }
}
