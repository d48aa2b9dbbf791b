package io.palisade.config;

import io.palisade.net.TrustedProxies;
import java.time.Duration;

/**
 * The listener, its request-size limit and the bounds on what a connection may hold:
 * {@code headerTimeout} is the time a connection gets to deliver a request's headers (from its
 * opening, or from the end of its previous answer); {@code bodyReadTimeout} the time a request's
 * body gets from the handler's first read to its last byte; {@code idleTimeout} the longest a
 * connection's pending read or write may make no progress; {@code maxConnections} the connections
 * served at once, 0 for "derived from the process's file-descriptor limit"; {@code trustedProxies}
 * the peers whose {@code X-Forwarded-For} is believed; {@code tls} HTTPS (or {@link TlsConfig#OFF});
 * {@code http2} HTTP/2 by ALPN on a TLS listener; {@code h2c} HTTP/2 without TLS (prior knowledge)
 * on a plain one.
 */
public record ServerConfig(
        String host,
        int port,
        long maxBodyBytes,
        Duration headerTimeout,
        Duration bodyReadTimeout,
        Duration idleTimeout,
        int maxConnections,
        TrustedProxies trustedProxies,
        TlsConfig tls,
        boolean http2,
        boolean h2c) {

    /** Plain HTTP/1.1 settings (tests, and every caller from before TLS). */
    public ServerConfig(
            String host,
            int port,
            long maxBodyBytes,
            Duration headerTimeout,
            Duration bodyReadTimeout,
            Duration idleTimeout,
            int maxConnections,
            TrustedProxies trustedProxies) {
        this(
                host,
                port,
                maxBodyBytes,
                headerTimeout,
                bodyReadTimeout,
                idleTimeout,
                maxConnections,
                trustedProxies,
                TlsConfig.OFF,
                true,
                false);
    }

    /** The same settings listening on {@code host}:{@code port}. */
    public ServerConfig listeningOn(String host, int port) {
        return new ServerConfig(
                host,
                port,
                maxBodyBytes,
                headerTimeout,
                bodyReadTimeout,
                idleTimeout,
                maxConnections,
                trustedProxies,
                tls,
                http2,
                h2c);
    }
}
