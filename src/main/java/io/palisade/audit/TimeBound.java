package io.palisade.audit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** A time bound for audit queries, as people type them: an ISO-8601 instant or a date (UTC midnight). */
public final class TimeBound {
    private TimeBound() {}

    /** Null for null or blank; throws IllegalArgumentException with a readable message otherwise. */
    public static Instant parse(String text, String name) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException again) {
                throw new IllegalArgumentException(
                        name + " must be an ISO-8601 time such as 2026-11-23T10:00:00Z or a date such as"
                                + " 2026-11-23, got '" + text + "'");
            }
        }
    }
}
