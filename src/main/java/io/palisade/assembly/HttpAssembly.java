package io.palisade.assembly;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.admin.AdminRoutes;
import io.palisade.admin.ErasureRoutes;
import io.palisade.admin.EvalRoutes;
import io.palisade.admin.ModelRoutes;
import io.palisade.admin.UserErasure;
import io.palisade.api.openai.OpenAiRoutes;
import io.palisade.audit.ContentCapture;
import io.palisade.config.PalisadeConfig;
import io.palisade.metrics.MetricsAccess;
import io.palisade.server.Exchanges;
import io.palisade.server.GatewayServer;
import io.palisade.server.JsonBodyReader;
import io.palisade.server.MetricsEndpoint;
import io.palisade.server.RequestLog;
import io.palisade.tls.ServerTls;
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
            ListenerAssembly listener,
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
        EvalRoutes evalRoutes = new EvalRoutes(exchanges, lifecycle.evals(), lifecycle.smoke(), bodies, json);
        ErasureRoutes erasureRoutes = new ErasureRoutes(
                exchanges,
                new UserErasure(identity.admin(), audit.erasure(), admission.usageRecorder()::flush, clock),
                bodies,
                json);
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
        this.server = new GatewayServer(
                config.server(),
                listener.socket(),
                listener.tls().map(ServerTls::factory).orElse(null),
                exchanges,
                openAi,
                routes -> {
                    admin.register(routes);
                    evalRoutes.register(routes);
                    erasureRoutes.register(routes);
                    modelRoutes.register(routes);
                },
                metricsEndpoint,
                listener.operationsSocket(),
                ready);
        try {
            server.start();
        } catch (RuntimeException e) {
            // A listener that failed to start may have started its threads: stop them too (the sockets are the listener
            // assembly's).
            try {
                server.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        // Stops accepting requests and lets in-flight ones finish, while everything they use is still open.
        server.close();
    }
}
