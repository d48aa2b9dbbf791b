package io.palisade.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 for the request path (the presented key, the audit chain). A digest is cloned from one
 * made at start-up: {@code MessageDigest#getInstance} looks the algorithm up in the providers on
 * every call, which cost as much as hashing a key itself (docs/performance.md). Thread-safe: each
 * call gets its own digest.
 */
public final class Sha256 {
    private static final MessageDigest PROTOTYPE = lookUp();

    private Sha256() {}

    /** A fresh digest, owned by the caller. */
    public static MessageDigest digest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            // A provider whose digests cannot be cloned: look it up every time, as before.
            return lookUp();
        }
    }

    /** The digest of {@code text}'s UTF-8 bytes. */
    public static byte[] of(String text) {
        return digest().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest lookUp() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
