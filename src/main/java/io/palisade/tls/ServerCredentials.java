package io.palisade.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A certificate chain (leaf first) and the private key of its leaf, checked to belong together.
 * Immutable.
 */
public record ServerCredentials(List<X509Certificate> chain, PrivateKey key) {
    public ServerCredentials {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a chain holds at least its leaf certificate");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** The leaf certificate's end of validity. */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }
}
