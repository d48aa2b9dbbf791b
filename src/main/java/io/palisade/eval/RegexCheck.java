package io.palisade.eval;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Passes when {@link java.util.regex.Matcher#find()} finds {@code pattern} anywhere in the
 * (NFC-normalised) answer. Java regex syntax; flags go inline, e.g. {@code (?i)} for case
 * insensitivity, {@code (?s)} for {@code .} matching newlines, {@code (?m)} for per-line
 * {@code ^}/{@code $}. Without {@code (?m)}, {@code ^} and {@code $} anchor to the whole answer.
 *
 * <p>Immutable and thread-safe. The constructor compiles the pattern and rejects a null, empty or
 * invalid one ({@link java.util.regex.PatternSyntaxException} is an {@link IllegalArgumentException}).
 */
public record RegexCheck(String pattern) implements Check {
    public static final String TYPE = "regex";

    public RegexCheck {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("pattern must not be empty");
        }
        Pattern.compile(pattern);
    }

    /** The compiled pattern; compiled on each call (cheap, and keeps the record a plain value). */
    Pattern compiled() {
        return Pattern.compile(pattern);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
