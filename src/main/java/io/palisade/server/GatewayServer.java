package io.palisade.server;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.palisade.api.openai.OpenAiErrors;
import io.palisade.api.openai.OpenAiRequestRules;
import io.palisade.api.openai.OpenAiRoutes;
import io.palisade.config.ServerConfig;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.upstream.Operation;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener: one Javalin config lambda that declares every route. Every API and admin
 * route is registered through {@link Exchanges}, which puts it behind the policy decision point
 * and the audit; only the health probes are open. Virtual threads serve requests, so a blocked
 * stream costs a few kilobytes, not a platform thread.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** Scrapers and probes: a few at a time; its own bound, so they cannot take the gateway's descriptors. */
    private static final int OPERATIONS_CONNECTIONS = 64;

    private final Javalin app;
    private final Javalin operations;
    private final Optional<ListenerSocket> operationsSocket;

    /**
     * Serves on {@code socket}, already bound. Without {@code operationsSocket} /metrics is served on
     * the main listener; with it, /metrics and the health probes are (also) served on that socket, a
     * listener of their own for an operations network (plain HTTP). {@code tls} null serves plain HTTP
     * on the main listener, else HTTPS with that context.
     */
    public GatewayServer(
            ServerConfig listener,
            ListenerSocket socket,
            SslContextFactory.Server tls,
            Exchanges exchanges,
            OpenAiRoutes openAi,
            Consumer<RoutesConfig> adminRoutes,
            Handler metrics,
            Optional<ListenerSocket> operationsSocket,
            BooleanSupplier ready) {
        this.operationsSocket = operationsSocket;
        this.operations = operationsSocket
                .map(bound -> Javalin.create(config -> {
                    config.concurrency.useVirtualThreads = true;
                    config.startup.showJavalinBanner = false;
                    config.jetty.addConnector(
                            (server, http) -> bound.connector(server, new HttpConnectionFactory(http)));
                    config.jetty.modifyServer(server ->
                            ConnectionGuard.install(server, listener, OPERATIONS_CONNECTIONS, "palisade-operations"));
                    answerErrorsAsJson(config, exchanges);
                    config.routes.get("/metrics", metrics);
                    health(config.routes, ready);
                }))
                .orElse(null);
        this.app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.jetty.threadPool = RequestThreads.create("palisade-http");
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.http.maxRequestSize = Long.MAX_VALUE; // JsonBodyReader enforces the configured limit itself
            config.startup.showJavalinBanner = false;
            config.jetty.modifyServer(server -> server.setStopTimeout(10_000));
            config.jetty.addConnector((server, http) -> Listener.create(server, http, listener, tls, socket));
            int maxConnections = ConnectionBudget.resolve(listener.maxConnections());
            config.jetty.modifyServer(
                    server -> ConnectionGuard.install(server, listener, maxConnections, "palisade-http"));
            answerErrorsAsJson(config, exchanges);

            config.routes.before(ctx -> {
                RequestIds.assign(ctx);
                ctx.attribute(Exchanges.START_NANOS, System.nanoTime());
            });

            health(config.routes, ready);
            if (operationsSocket.isEmpty()) {
                config.routes.get("/metrics", metrics);
            }

            for (Operation operation : Operation.values()) {
                config.routes.post(
                        operation.route(),
                        exchanges.model(
                                OpenAiRequestRules.forOperation(operation),
                                operation != Operation.EMBEDDING,
                                (ctx, record, body, admitted) ->
                                        openAi.forward(ctx, record, body, admitted, operation)));
            }
            config.routes.get("/v1/models", exchanges.listing(openAi::listModels));
            config.routes.get("/v1/models/{model}", exchanges.listing(openAi::retrieveModel));
            adminRoutes.accept(config.routes);

            // Javalin calls error handlers for every 404, also those our own handlers answered.
            config.routes.error(404, ctx -> {
                if (ctx.attribute(Exchanges.HANDLED) == null) {
                    exchanges
                            .unknown("no route " + ctx.method().name() + " " + ctx.path())
                            .handle(ctx);
                }
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unhandled failure on {} {}", ctx.method().name(), ctx.path(), e);
                PalisadeException error = new PalisadeException(
                        ErrorCode.INTERNAL, "internal error; the request id is " + ctx.attribute(Exchanges.REQUEST_ID));
                ctx.status(500)
                        .contentType("application/json")
                        .result(OpenAiErrors.body(error).toString());
            });
        });
    }

    /**
     * Requests Jetty refuses itself (unparseable, too large) get the API's JSON and an audit record,
     * not Jetty's HTML page; an Error on a route outside {@link Exchanges} (which answers its routes'
     * Errors itself) gets a JSON 500.
     */
    private static void answerErrorsAsJson(JavalinConfig config, Exchanges exchanges) {
        config.jetty.modifyServer(server -> server.setErrorHandler(exchanges.protocolErrors()));
        config.router.javaLangErrorHandler((response, error) -> {
            LOG.error("unhandled error", error);
            response.setContentType("application/json");
            try {
                response.getOutputStream()
                        .write(OpenAiErrors.body(new PalisadeException(ErrorCode.INTERNAL, "internal error"))
                                .toString()
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException callerGone) {
                LOG.debug("the caller left before its error answer", callerGone);
            }
        });
    }

    private static void health(RoutesConfig routes, BooleanSupplier ready) {
        routes.get("/health/live", ctx -> ctx.json(java.util.Map.of("status", "live")));
        routes.get("/health/ready", ctx -> {
            boolean isReady = ready.getAsBoolean();
            ctx.status(isReady ? 200 : 503).json(java.util.Map.of("status", isReady ? "ready" : "not_ready"));
        });
    }

    /** Starts accepting on the main socket, then on the operations socket if any. */
    public GatewayServer start() {
        app.start();
        if (operations != null) {
            operations.start();
            operationsSocket.ifPresent(bound -> LOG.info("metrics and health probes listening on {}", bound.selfUrl()));
        }
        return this;
    }

    @Override
    public void close() {
        if (operations != null) {
            operations.stop();
        }
        app.stop();
    }
}
