package io.palisade.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The key format {@code pal_<id>_<secret>}: a 12-character public id (base32) and 256 random bits.
 * The id names the key in listings and the audit without the secret; the {@code pal_} prefix lets
 * secret scanners recognise leaked keys. Because the secret is high-entropy, a plain SHA-256 is a sufficient one-way hash (no
 * password-style stretching is needed). Thread-safe.
 */
public final class KeyTokens {
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final String PREFIX = "pal_";
    private static final int ID_LENGTH = 12;

    private final SecureRandom random;

    public KeyTokens(SecureRandom random) {
        this.random = random;
    }

    /** A new identifier with {@code prefix}, e.g. "usr_k3j…" (not secret). */
    public String newId(String prefix) {
        return prefix + randomBase32(ID_LENGTH);
    }

    public String newKeyId() {
        return randomBase32(ID_LENGTH);
    }

    /** A full key token for {@code keyId}. Shown once, never stored. */
    public String newToken(String keyId) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    public static String hash(String token) {
        return HexFormat.of().formatHex(Sha256.of(token));
    }

    /**
     * A non-secret fingerprint of whatever a caller presented, from its {@link #hash}: enough to
     * correlate, useless to replay.
     */
    public static String fingerprintOfHash(String hash) {
        return "sha256:" + hash.substring(0, 16);
    }

    private String randomBase32(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = BASE32[random.nextInt(BASE32.length)];
        }
        return new String(chars);
    }
}
