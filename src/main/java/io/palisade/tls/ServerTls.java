package io.palisade.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's TLS: Jetty's {@link SslContextFactory.Server} built from PEM files, and their
 * reload. TLS 1.2 and 1.3 only, Jetty's default cipher suites (which already exclude the weak ones:
 * RSA key exchange, SHA-1 and MD5 MACs, NULL, anonymous, export) ordered for HTTP/2. With a client
 * CA bundle, connections are asked for a client certificate ({@code want}, not {@code need}: the
 * model API takes connections without one); a certificate that is presented must chain to that
 * bundle or the handshake fails. Which paths demand one is the request path's decision.
 *
 * <p>A reload swaps the key material for new connections only; open connections keep the session
 * they negotiated. A pair that does not load (half-written, certificate and key that do not match)
 * is never swapped in: the previous one stays and an error is logged once per distinct content.
 * Thread-safe: reloads are serialised.
 */
public final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    private static final String ALIAS = "palisade";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TlsFiles files;
    private final TlsMetrics metrics;
    private final SslContextFactory.Server factory;
    /** The content the factory serves, and the last content that failed to load (logged once). */
    private byte[] servedDigest;

    private byte[] rejectedDigest;
    private Instant notAfter;

    private ServerTls(TlsFiles files, TlsMetrics metrics, SslContextFactory.Server factory) {
        this.files = files;
        this.metrics = metrics;
        this.factory = factory;
    }

    /** Loads the files; a file that cannot be used fails here, before anything listens. */
    public static ServerTls load(TlsFiles files, TlsMetrics metrics) throws TlsFileException {
        byte[] digest = files.contentDigest();
        TlsFiles.Loaded loaded = files.load();
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        factory.setCipherComparator(HTTP2Cipher.COMPARATOR);
        factory.setUseCipherSuitesOrder(true);
        // Names are checked by clients; the server has one certificate and need not match SNI to it.
        factory.setSniRequired(false);
        apply(factory, loaded);
        if (!loaded.clientAuthorities().isEmpty()) {
            factory.setWantClientAuth(true);
        }
        ServerTls tls = new ServerTls(files, metrics, factory);
        tls.servedDigest = digest;
        tls.serving(loaded);
        return tls;
    }

    public SslContextFactory.Server factory() {
        return factory;
    }

    /** The served certificate's end of validity. */
    public synchronized Instant notAfter() {
        return notAfter;
    }

    /** What a {@link #reloadIfChanged} did. */
    public enum Reload {
        UNCHANGED,
        APPLIED,
        REJECTED
    }

    /**
     * Loads the files again if their content changed since the served one, and swaps them in if they
     * load; {@code trigger} (watch, signal) goes to the log.
     */
    public synchronized Reload reloadIfChanged(String trigger) {
        byte[] digest = files.contentDigest();
        if (Arrays.equals(digest, servedDigest)) {
            return Reload.UNCHANGED;
        }
        TlsFiles.Loaded loaded;
        try {
            loaded = files.load();
        } catch (TlsFileException e) {
            if (!Arrays.equals(digest, rejectedDigest)) {
                rejectedDigest = digest;
                metrics.rejected();
                LOG.error(
                        "TLS files changed ({}) but cannot be used, still serving the previous certificate: {}",
                        trigger,
                        e.getMessage());
            }
            return Reload.REJECTED;
        }
        try {
            factory.reload(reloading -> apply((SslContextFactory.Server) reloading, loaded));
        } catch (Exception e) {
            // Cannot happen for key material that loaded above; if it does, say so rather than die.
            metrics.rejected();
            rejectedDigest = digest;
            LOG.error("reloading the TLS context failed ({}); new connections may fail", trigger, e);
            return Reload.REJECTED;
        }
        servedDigest = digest;
        rejectedDigest = null;
        metrics.applied();
        serving(loaded);
        LOG.info(
                "TLS certificate reloaded ({}): subject {}, serial {}, valid until {}",
                trigger,
                loaded.credentials().leaf().getSubjectX500Principal().getName(),
                loaded.credentials().leaf().getSerialNumber().toString(16),
                notAfter);
        return Reload.APPLIED;
    }

    private void serving(TlsFiles.Loaded loaded) {
        notAfter = loaded.credentials().notAfter();
        metrics.serving(notAfter);
        if (notAfter.isBefore(Instant.now())) {
            LOG.warn("the TLS certificate {} expired at {}: clients will refuse it", files.certificate(), notAfter);
        }
    }

    private static void apply(SslContextFactory.Server factory, TlsFiles.Loaded loaded) {
        String password = HexFormat.of().formatHex(randomBytes(16));
        factory.setKeyStore(keyStore(loaded, password));
        factory.setKeyStorePassword(password);
        factory.setKeyManagerPassword(password);
        factory.setCertAlias(ALIAS);
        if (!loaded.clientAuthorities().isEmpty()) {
            factory.setTrustStore(trustStore(loaded.clientAuthorities()));
        }
    }

    /** The in-memory store's password: it protects nothing on disk, it only has to exist. */
    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static KeyStore keyStore(TlsFiles.Loaded loaded, String password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            ServerCredentials credentials = loaded.credentials();
            store.setKeyEntry(
                    ALIAS,
                    credentials.key(),
                    password.toCharArray(),
                    credentials.chain().toArray(new X509Certificate[0]));
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("an in-memory PKCS#12 store takes any key the JDK read", e);
        }
    }

    private static KeyStore trustStore(List<X509Certificate> authorities) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("client-ca-" + i, authorities.get(i));
            }
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("an in-memory PKCS#12 store takes any certificate", e);
        }
    }
}
