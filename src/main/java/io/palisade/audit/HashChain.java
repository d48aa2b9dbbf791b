package io.palisade.audit;

import io.palisade.auth.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The chain's hash function, in one place so writer and verifier cannot disagree. A row's hash is
 * the SHA-256 of its fields' UTF-8 text joined by newlines, in the order below; rows already
 * stored depend on exactly these bytes (HashChainTest pins them).
 *
 * <p>A row of format 2 ({@link AuditEvent#personal()} present) is hashed the same way after a
 * version line, with the digest of its personal data before the body: the hash covers the digest,
 * never the personal cleartext, which erasure may therefore remove. The version line means no row
 * of one format hashes like a row of the other.
 */
public final class HashChain {
    public static final String GENESIS = "0".repeat(64);
    private static final byte NEWLINE = '\n';
    private static final String FORMAT_2 = "palisade-audit-row-v2";

    private HashChain() {}

    public static String hashOf(AuditEvent event) {
        // Field by field into the digest: the same bytes as hashing the joined text, without
        // building it (the body is most of a row).
        MessageDigest digest = Sha256.digest();
        if (event.personal() != null) {
            field(digest, FORMAT_2);
        }
        field(digest, event.prevHash());
        field(digest, Long.toString(event.seq()));
        field(digest, event.requestId());
        field(digest, event.kind());
        field(digest, event.at());
        field(digest, event.userId() == null ? "" : event.userId());
        if (event.personal() != null) {
            field(digest, event.personal().digest());
        }
        digest.update(String.valueOf(event.body()).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void field(MessageDigest digest, String value) {
        digest.update(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        digest.update(NEWLINE);
    }
}
