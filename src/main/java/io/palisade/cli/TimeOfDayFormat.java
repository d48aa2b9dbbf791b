package io.palisade.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * An epoch millisecond as "HH:mm:ss.SSS" in one zone, the text Logback's
 * {@code %d{HH:mm:ss.SSS}} writes. Logback formats anew whenever the millisecond changes, which
 * at one log line per request is nearly every line; this formats the "HH:mm:ss." part once per
 * second and writes the milliseconds as digits. Exact because a zone's offset only changes at a
 * whole second. Thread-safe: the last second formatted is one immutable value, replaced whole.
 */
final class TimeOfDayFormat {
    private final DateTimeFormatter toTheSecond;
    private volatile FormattedSecond last = new FormattedSecond(Long.MIN_VALUE, "");

    /** {@code zone} and {@code locale} as Logback's date converter takes them (the defaults). */
    TimeOfDayFormat(ZoneId zone, Locale locale) {
        toTheSecond = DateTimeFormatter.ofPattern("HH:mm:ss.").withZone(zone).withLocale(locale);
    }

    void append(StringBuilder line, long epochMillis) {
        long epochSecond = Math.floorDiv(epochMillis, 1000);
        int millis = Math.floorMod(epochMillis, 1000);
        FormattedSecond second = last;
        if (second.epochSecond != epochSecond) {
            second = new FormattedSecond(epochSecond, toTheSecond.format(Instant.ofEpochSecond(epochSecond)));
            last = second;
        }
        line.append(second.text);
        if (millis < 100) {
            line.append(millis < 10 ? "00" : "0");
        }
        line.append(millis);
    }

    private record FormattedSecond(long epochSecond, String text) {}
}
