package io.palisade.assembly;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.admin.AdminRoutes;
import io.palisade.admin.EvalRoutes;
import io.palisade.admin.ModelRoutes;
import io.palisade.api.openai.OpenAiRoutes;
import io.palisade.audit.ContentCapture;
import io.palisade.config.ConfigException;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.TlsConfig;
import io.palisade.metrics.MetricsAccess;
import io.palisade.server.Exchanges;
import io.palisade.server.GatewayServer;
import io.palisade.server.JsonBodyReader;
import io.palisade.server.MetricsEndpoint;
import io.palisade.server.RequestLog;
import io.palisade.tls.CertificateWatch;
import io.palisade.tls.ServerTls;
import io.palisade.tls.TlsFileException;
import io.palisade.tls.TlsMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.function.BooleanSupplier;

/**
 * The HTTP surface: the exchange pipeline every request goes through (authenticate, admit, audit),
 * the OpenAI, admin, evaluation and model routes, the metrics endpoint, and the listener
 * ("palisade-http" virtual threads, and the operations listener when configured). Built last and
 * started last: the listener opens only when everything it serves exists, and is closed first.
 */
public final class HttpAssembly implements Assembly {
    private final GatewayServer server;
    /** Null without TLS. */
    private final ServerTls tls;

    private final CertificateWatch certificateWatch;

    /** Builds the routes and starts listening; {@code ready} is the readiness the health route reports. */
    public HttpAssembly(
            PalisadeConfig config,
            StoreAssembly store,
            ObservabilityAssembly observability,
            IdentityAssembly identity,
            BackendsAssembly backends,
            AuditAssembly audit,
            AdmissionAssembly admission,
            LifecycleAssembly lifecycle,
            ListenerAddress address,
            BooleanSupplier ready,
            ObjectMapper json,
            Clock clock) {
        JsonBodyReader bodies = new JsonBodyReader(json, config.server().maxBodyBytes());
        Exchanges exchanges = new Exchanges(
                identity.keys(),
                admission.policy(),
                admission.admission(),
                audit.trail(),
                bodies,
                json,
                config.server(),
                clock,
                observability.metrics(),
                new RequestLog(config.observability().requestLog()),
                observability.spans());
        OpenAiRoutes openAi = new OpenAiRoutes(
                lifecycle.failover(),
                backends.catalog(),
                json,
                new ContentCapture(config.audit(), json),
                lifecycle.metrics());
        AdminRoutes admin = new AdminRoutes(
                exchanges,
                identity.admin(),
                audit.records(),
                audit.verifier(),
                backends.catalog(),
                backends.health(),
                backends.families(),
                () -> lifecycle.currentConfig().backends(),
                bodies,
                json,
                identity.limitsCodec(),
                identity.limits(),
                store.usage());
        EvalRoutes evalRoutes = new EvalRoutes(exchanges, lifecycle.evals(), bodies, json);
        ModelRoutes modelRoutes = new ModelRoutes(
                exchanges,
                backends.catalog(),
                lifecycle.canaryStates(),
                lifecycle.lifecycle(),
                lifecycle.reloader(),
                lifecycle.pins(),
                backends.health(),
                bodies,
                json,
                clock);
        MetricsEndpoint metricsEndpoint = new MetricsEndpoint(
                observability.metrics().registry(),
                authorization -> MetricsAccess.refusal(
                        authorization, config.observability().metricsToken(), identity.keys()));
        this.tls = config.server().tls().enabled()
                ? loadTls(config.server().tls(), observability.metrics().registry())
                : null;
        this.server = new GatewayServer(
                config.server(),
                tls == null ? null : tls.factory(),
                exchanges,
                openAi,
                routes -> {
                    admin.register(routes);
                    evalRoutes.register(routes);
                    modelRoutes.register(routes);
                },
                metricsEndpoint,
                config.observability().metricsPort(),
                ready);
        try {
            server.start(config.server().host(), config.server().port());
        } catch (RuntimeException e) {
            // A listener that failed to bind (port taken) may have started its threads: stop them too.
            try {
                server.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        address.listening(server.port());
        this.certificateWatch = tls == null
                ? null
                : new CertificateWatch(tls, config.server().tls().reloadInterval());
    }

    /**
     * The files were checked when the config loaded; they are read again here (they may have changed
     * since), and a file that cannot be used still stops the start with the config's kind of error.
     */
    private static ServerTls loadTls(TlsConfig config, PrometheusRegistry registry) {
        try {
            return ServerTls.load(config.files(), new TlsMetrics(registry));
        } catch (TlsFileException e) {
            throw new ConfigException("server.tls: " + e.getMessage());
        }
    }

    /** Loads the TLS files again if they changed (SIGHUP); nothing without TLS. */
    public void reloadCertificates(String trigger) {
        if (tls != null) {
            var unused = tls.reloadIfChanged(trigger);
        }
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (certificateWatch != null) {
            certificateWatch.close();
        }
        // Stops accepting requests and lets in-flight ones finish, while everything they use is still open.
        server.close();
    }
}
