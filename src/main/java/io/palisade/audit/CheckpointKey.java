package io.palisade.audit;

import io.palisade.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that signs checkpoints (HMAC-SHA256, the JDK's), or {@link #NONE}. It lives outside the
 * store (config, usually {@code env:}), so whoever can write the store cannot sign a checkpoint.
 * Immutable and thread-safe ({@link Mac} instances are made per use; checkpoints are rare).
 */
public final class CheckpointKey {
    public static final CheckpointKey NONE = new CheckpointKey(null);
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    private CheckpointKey(SecretKeySpec key) {
        this.key = key;
    }

    public static CheckpointKey of(Secret secret) {
        return secret.isPresent()
                ? new CheckpointKey(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), ALGORITHM))
                : NONE;
    }

    public boolean isPresent() {
        return key != null;
    }

    /** {@code checkpoint} with its signature; unchanged (unsigned) without a key. */
    public Checkpoint sign(Checkpoint checkpoint) {
        return key == null ? checkpoint : checkpoint.signed(HexFormat.of().formatHex(mac(checkpoint)));
    }

    /** True when {@code checkpoint} carries a signature made with this key (compared in constant time). */
    public boolean verifies(Checkpoint checkpoint) {
        if (key == null || checkpoint.mac() == null) {
            return false;
        }
        return MessageDigest.isEqual(mac(checkpoint), HexFormat.of().parseHex(checkpoint.mac()));
    }

    private byte[] mac(Checkpoint checkpoint) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(checkpoint.signedText().getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is required of every JDK; an empty key is excluded by of().
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return key == null ? "<no checkpoint key>" : "<checkpoint key>";
    }
}
