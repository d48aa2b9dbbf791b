package io.palisade.eval;

import java.util.Objects;

/**
 * Passes when the answer contains {@code value} as a substring. Both sides are NFC-normalised;
 * {@code ignoreCase} additionally lower-cases both sides ({@link java.util.Locale#ROOT}).
 *
 * <p>Immutable and thread-safe. The constructor rejects a null or empty value with
 * {@link IllegalArgumentException} (every answer contains the empty string).
 */
public record ContainsCheck(String value, boolean ignoreCase) implements Check {
    public static final String TYPE = "contains";

    public ContainsCheck {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("value must not be empty");
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
