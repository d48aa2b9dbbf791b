package io.palisade.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The chain's hash function, in one place so writer and verifier cannot disagree. */
public final class HashChain {
    public static final String GENESIS = "0".repeat(64);

    private HashChain() {}

    public static String hashOf(AuditEvent event) {
        String content = event.prevHash() + "\n" + event.seq() + "\n" + event.requestId() + "\n" + event.kind() + "\n"
                + event.at() + "\n" + (event.userId() == null ? "" : event.userId()) + "\n" + event.body();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
