package io.palisade.eval;

import java.util.Objects;

/**
 * Passes when the whole answer equals {@code value}. Both sides are compared after trimming
 * surrounding whitespace, turning CRLF line endings into LF and Unicode NFC normalisation;
 * {@code ignoreCase} additionally lower-cases both sides ({@link java.util.Locale#ROOT}).
 *
 * <p>Immutable and thread-safe. The constructor rejects a null or blank value with
 * {@link IllegalArgumentException} (a blank value could only match an empty answer).
 */
public record ExactCheck(String value, boolean ignoreCase) implements Check {
    public static final String TYPE = "exact";

    public ExactCheck {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("value must not be blank");
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
