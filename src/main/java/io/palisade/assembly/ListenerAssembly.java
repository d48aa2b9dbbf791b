package io.palisade.assembly;

import io.palisade.config.ServerConfig;
import io.palisade.server.ListenerSocket;
import java.net.URI;

/**
 * The main listener's socket, bound here so its address is a value from then on: the lifecycle
 * assembly's evaluation runs receive {@link #selfUrl()}, the HTTP assembly serves on
 * {@link #socket()}. Bound just before those two (not first of all), so that clients are not kept
 * waiting in the backlog while the store migrates; a taken port still fails the start before the
 * listener's routes are built. Closed after the HTTP assembly, which hands the socket to Jetty.
 */
public final class ListenerAssembly implements Assembly {
    private final ListenerSocket socket;

    public ListenerAssembly(ServerConfig server) {
        this.socket = ListenerSocket.bind(server.host(), server.port());
    }

    /** The bound socket, for the HTTP assembly. */
    public ListenerSocket socket() {
        return socket;
    }

    /** The gateway's own API for callers inside the process (evaluation runs). */
    public URI selfUrl() {
        return socket.selfUrl();
    }

    /** The port bound: the configured one, or the one the system picked for port 0. */
    public int port() {
        return socket.port();
    }

    @Override
    public void close() {
        // Jetty closed it already when it started; a start that failed before leaves it to this.
        socket.close();
    }
}
