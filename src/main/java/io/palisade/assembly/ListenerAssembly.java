package io.palisade.assembly;

import io.palisade.config.ConfigException;
import io.palisade.config.MetricsListener;
import io.palisade.config.ServerConfig;
import io.palisade.config.TlsConfig;
import io.palisade.server.ListenerSocket;
import io.palisade.tls.CertificateWatch;
import io.palisade.tls.ServerTls;
import io.palisade.tls.TlsFileException;
import io.palisade.tls.TlsMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The listeners' sockets, bound here so their addresses are values from then on: the lifecycle
 * assembly's evaluation runs receive {@link #selfUrl()}, the HTTP assembly serves on
 * {@link #socket()} and, when metrics have a listener of their own, {@link #operationsSocket()}.
 * Bound just before those two (not first of all), so that clients are not kept waiting in the
 * backlog while the store migrates; a taken port still fails the start before the listener's routes
 * are built. Closed after the HTTP assembly, which hands the sockets to Jetty. With
 * {@code server.tls}, also the main listener's certificate and key (checked when the config loaded,
 * read again here: they may have changed since), watched for renewal on a thread of its own.
 */
public final class ListenerAssembly implements Assembly {
    private final ListenerSocket socket;
    private final Optional<ListenerSocket> operationsSocket;
    private final Optional<ServerTls> tls;
    private final Optional<CertificateWatch> certificateWatch;

    public ListenerAssembly(ServerConfig server, MetricsListener metrics, ObservabilityAssembly observability) {
        // The files first: a certificate that cannot be used fails the start before any port is taken.
        this.tls = server.tls().enabled()
                ? Optional.of(loadTls(server.tls(), observability.metrics().registry()))
                : Optional.empty();
        this.socket = ListenerSocket.bind(server.host(), server.port(), tls.isPresent());
        try {
            this.operationsSocket = switch (metrics) {
                case MetricsListener.Main main -> Optional.empty();
                case MetricsListener.Separate separate ->
                    Optional.of(ListenerSocket.bind(server.host(), separate.port(), false));
            };
        } catch (RuntimeException e) {
            socket.close(); // no later assembly will: this one never finished starting
            throw e;
        }
        this.certificateWatch =
                tls.map(served -> new CertificateWatch(served, server.tls().reloadInterval()));
    }

    private static ServerTls loadTls(TlsConfig config, PrometheusRegistry registry) {
        try {
            return ServerTls.load(config.files(), new TlsMetrics(registry));
        } catch (TlsFileException e) {
            throw new ConfigException("server.tls: " + e.getMessage());
        }
    }

    /** The main listener's TLS credentials, when it serves HTTPS. */
    public Optional<ServerTls> tls() {
        return tls;
    }

    /** Loads the TLS files again if they changed (SIGHUP); nothing without TLS. */
    public void reloadCertificates(String trigger) {
        tls.ifPresent(served -> {
            var unused = served.reloadIfChanged(trigger);
        });
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
        certificateWatch.ifPresent(CertificateWatch::close);
        // Jetty closed them already when it started; a start that failed before leaves them to this.
        operationsSocket.ifPresent(ListenerSocket::close);
        socket.close();
    }
}
