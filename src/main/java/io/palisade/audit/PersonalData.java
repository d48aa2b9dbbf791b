package io.palisade.audit;

import io.palisade.auth.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The personal fields of an audit row of format 2 (docs/security.md, "Erasing a user"):
 * {@code fields}, a JSON object (the caller's email and address, captured prompt and answer),
 * kept apart from the row's body with a random {@code salt} and {@code digest}, the SHA-256 of
 * salt and fields. The row's hash covers the digest only, so erasure may blank fields and salt
 * ({@code erasedAt} says when) and the chain still verifies. The salt is random per row and erased
 * with the fields: without it the digest of a short value (an email) cannot be found by trying
 * candidates. Immutable; {@link #of} is thread-safe.
 */
public record PersonalData(String fields, String salt, String digest, String erasedAt) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SALT_BYTES = 16;

    /** {@code fields} (a JSON object) with a fresh salt and its digest. */
    public static PersonalData of(String fields) {
        byte[] bytes = new byte[SALT_BYTES];
        RANDOM.nextBytes(bytes);
        String salt = HexFormat.of().formatHex(bytes);
        return new PersonalData(fields, salt, digestOf(salt, fields), null);
    }

    public boolean erased() {
        return erasedAt != null;
    }

    /** The same row's data after erasure at {@code at}: the digest alone. */
    public PersonalData erasedAt(String at) {
        return new PersonalData(null, null, digest, at);
    }

    /**
     * Whether fields and salt still give the digest the chain covers. An erased row has neither:
     * only its digest is covered, and it is taken as it stands.
     */
    public boolean matchesDigest() {
        return erased()
                || (fields != null && salt != null && digestOf(salt, fields).equals(digest));
    }

    static String digestOf(String salt, String fields) {
        MessageDigest digest = Sha256.digest();
        digest.update(salt.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        digest.update(fields.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }
}
