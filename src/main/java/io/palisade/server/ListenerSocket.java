package io.palisade.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The main listener's socket, bound before the HTTP surface is built, so that the port the
 * operating system picked (for port 0) is a plain value everything built afterwards receives —
 * evaluation runs call the gateway's own API through it. Until the {@link GatewayServer} starts
 * accepting, connections wait in the kernel's backlog (bind happens just before the last
 * assemblies, so that is milliseconds). Jetty takes the socket over and closes it when it stops;
 * {@link #close()} releases it when Jetty never started (a failed start). Thread-safe (immutable
 * after {@link #bind}).
 */
public final class ListenerSocket implements AutoCloseable {
    private final ServerSocketChannel channel;
    private final String host;
    private final int port;
    private final boolean secure;

    private ListenerSocket(ServerSocketChannel channel, String host, int port, boolean secure) {
        this.channel = channel;
        this.host = host;
        this.port = port;
        this.secure = secure;
    }

    /**
     * Binds {@code host}:{@code port} (port 0: any free port) as Jetty would (address reuse, the
     * system's default backlog); fails with a message naming the address when it cannot. {@code
     * secure}: the listener will serve HTTPS (its {@link #selfUrl()} says so).
     */
    public static ListenerSocket bind(String host, int port, boolean secure) {
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            channel.socket().setReuseAddress(true);
            channel.socket().bind(new InetSocketAddress(host, port), 0);
            return new ListenerSocket(channel, host, channel.socket().getLocalPort(), secure);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The port bound (the one the system picked when 0 was asked). */
    public int port() {
        return port;
    }

    /** This listener's base URL for callers inside the process: a wildcard bind address is reached on loopback. */
    public URI selfUrl() {
        String reachable = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return URI.create((secure ? "https://" : "http://")
                + (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + port);
    }

    /** A Jetty connector with {@code factories} (see {@link Listener}) accepting on this socket. */
    ServerConnector connector(Server server, ConnectionFactory... factories) {
        ServerConnector connector = new ServerConnector(server, factories);
        connector.setHost(host);
        connector.setPort(port);
        try {
            connector.open(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return connector;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
