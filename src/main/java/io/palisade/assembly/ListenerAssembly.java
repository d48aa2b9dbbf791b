package io.palisade.assembly;

import io.palisade.config.MetricsListener;
import io.palisade.config.ServerConfig;
import io.palisade.server.ListenerSocket;
import java.net.URI;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The listeners' sockets, bound here so their addresses are values from then on: the lifecycle
 * assembly's evaluation runs receive {@link #selfUrl()}, the HTTP assembly serves on
 * {@link #socket()} and, when metrics have a listener of their own, {@link #operationsSocket()}.
 * Bound just before those two (not first of all), so that clients are not kept waiting in the
 * backlog while the store migrates; a taken port still fails the start before the listener's routes
 * are built. Closed after the HTTP assembly, which hands the sockets to Jetty.
 */
public final class ListenerAssembly implements Assembly {
    private final ListenerSocket socket;
    private final Optional<ListenerSocket> operationsSocket;

    public ListenerAssembly(ServerConfig server, MetricsListener metrics) {
        this.socket = ListenerSocket.bind(server.host(), server.port());
        try {
            this.operationsSocket = switch (metrics) {
                case MetricsListener.Main main -> Optional.empty();
                case MetricsListener.Separate separate ->
                    Optional.of(ListenerSocket.bind(server.host(), separate.port()));
            };
        } catch (RuntimeException e) {
            socket.close(); // no later assembly will: this one never finished starting
            throw e;
        }
    }

    /** The main listener's bound socket, for the HTTP assembly. */
    public ListenerSocket socket() {
        return socket;
    }

    /** The socket of the metrics and health listener, when it is separate from the main one. */
    public Optional<ListenerSocket> operationsSocket() {
        return operationsSocket;
    }

    /** The gateway's own API for callers inside the process (evaluation runs). */
    public URI selfUrl() {
        return socket.selfUrl();
    }

    /** The main port bound: the configured one, or the one the system picked for port 0. */
    public int port() {
        return socket.port();
    }

    /** The metrics listener's port when separate (the system's pick for {@code metrics.port: any}). */
    public OptionalInt metricsPort() {
        return operationsSocket.map(bound -> OptionalInt.of(bound.port())).orElseGet(OptionalInt::empty);
    }

    @Override
    public void close() {
        // Jetty closed them already when it started; a start that failed before leaves them to this.
        operationsSocket.ifPresent(ListenerSocket::close);
        socket.close();
    }
}
