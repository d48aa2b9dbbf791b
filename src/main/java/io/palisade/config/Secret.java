package io.palisade.config;

/**
 * A secret value from configuration. {@link #toString()} never reveals it, so a secret can sit in
 * a record that is logged or printed without leaking.
 */
public final class Secret {
    private static final Secret EMPTY = new Secret("", "none");

    private final String value;
    private final String source;

    private Secret(String value, String source) {
        this.value = value;
        this.source = source;
    }

    public static Secret empty() {
        return EMPTY;
    }

    public static Secret of(String value, String source) {
        return value == null || value.isEmpty() ? EMPTY : new Secret(value, source);
    }

    public String reveal() {
        return value;
    }

    public boolean isPresent() {
        return !value.isEmpty();
    }

    /** Where the secret came from ("env:NAME", "inline"), safe to print. */
    public String source() {
        return source;
    }

    /** Equal when the values are (compared in constant time); lets a reload tell a changed backend key. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret
                && java.security.MessageDigest.isEqual(
                        value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        secret.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.length();
    }

    @Override
    public String toString() {
        return isPresent() ? "<secret from " + source + ">" : "<none>";
    }
}
