package io.palisade.server;

import io.palisade.config.ServerConfig;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The gateway's connector: HTTP/1.1, plus HTTP/2 where configured. On TLS, the protocol is chosen
 * by ALPN (h2, else http/1.1, the default for clients that send no ALPN); on cleartext, h2c is
 * accepted by prior knowledge when {@code server.h2c} is on. The TLS session (and the client
 * certificate, when one was presented) is exposed to requests by Jetty's {@link SecureRequestCustomizer}.
 */
final class Listener {
    private Listener() {}

    static ServerConnector create(
            Server server,
            HttpConfiguration http,
            ServerConfig config,
            SslContextFactory.Server tls,
            ListenerSocket socket) {
        ConnectionFactory[] factories;
        if (tls == null) {
            HttpConnectionFactory http11 = new HttpConnectionFactory(http);
            factories = config.h2c()
                    ? new ConnectionFactory[] {http11, new HTTP2CServerConnectionFactory(http)}
                    : new ConnectionFactory[] {http11};
        } else {
            // One certificate, checked by the clients against the name they asked for: no SNI host check here.
            http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
            http.setSecureScheme("https");
            HttpConnectionFactory http11 = new HttpConnectionFactory(http);
            if (config.http2()) {
                ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", http11.getProtocol());
                alpn.setDefaultProtocol(http11.getProtocol());
                factories = new ConnectionFactory[] {
                    new SslConnectionFactory(tls, alpn.getProtocol()),
                    alpn,
                    new HTTP2ServerConnectionFactory(http),
                    http11
                };
            } else {
                factories = new ConnectionFactory[] {new SslConnectionFactory(tls, http11.getProtocol()), http11};
            }
        }
        return socket.connector(server, factories);
    }
}
