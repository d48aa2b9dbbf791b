package io.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.palisade.Await;
import io.palisade.admin.IdentityAdmin;
import io.palisade.admin.IdentityReloader;
import io.palisade.admission.AdmissionControl;
import io.palisade.admission.LimitsCodec;
import io.palisade.admission.LimitsRegistry;
import io.palisade.admission.LocalCounters;
import io.palisade.admission.PolicyDecisionPoint;
import io.palisade.admission.TokenEstimator;
import io.palisade.admission.UsageRecorder;
import io.palisade.audit.AuditEvent;
import io.palisade.audit.AuditStore;
import io.palisade.audit.AuditTrail;
import io.palisade.audit.AuditWriter;
import io.palisade.auth.KeyRegistry;
import io.palisade.auth.KeyStore;
import io.palisade.auth.KeyTokens;
import io.palisade.auth.TeamStore;
import io.palisade.auth.UserStatus;
import io.palisade.auth.UserStore;
import io.palisade.config.LimitsConfig;
import io.palisade.config.ServerConfig;
import io.palisade.metrics.GatewayMetrics;
import io.palisade.net.TrustedProxies;
import io.palisade.routing.ModelCatalog;
import io.palisade.store.Database;
import io.palisade.store.IdentityVersionStore;
import io.palisade.store.LimitsStore;
import io.palisade.store.UsageStore;
import io.palisade.tracing.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A handler that dies of an {@link Error} (an OutOfMemoryError in the token estimator did, before
 * it was bounded) still leaves what every request leaves: a JSON answer in the API's shape, one
 * audit record, and a request-log line that agrees with it. The routes here are registered through
 * a real {@link Exchanges} over a real store, exactly as the gateway registers its own; only the
 * handlers are the test's.
 */
class HandlerErrorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger requestLogger = context.getLogger("palisade.request");
    private final ListAppender<ILoggingEvent> requestLog = new ListAppender<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    private Database database;
    private AuditWriter auditWriter;
    private AuditStore auditStore;
    private Javalin app;
    private String key;

    @BeforeEach
    void start() {
        requestLog.setContext(context);
        requestLog.start();
        requestLogger.addAppender(requestLog);
        Clock clock = Clock.systemUTC();
        database = Database.open("sqlite:" + dir.resolve("palisade.db"));
        UserStore users = new UserStore(database);
        TeamStore teams = new TeamStore(database);
        KeyStore keys = new KeyStore(database);
        auditStore = new AuditStore(database);
        KeyRegistry registry = new KeyRegistry(keys, users, teams, clock);
        LimitsCodec limitsCodec = new LimitsCodec(JSON);
        LimitsStore limitsStore = new LimitsStore(database);
        LimitsRegistry limits = new LimitsRegistry(limitsStore, limitsCodec, LimitsConfig.defaults(0));
        IdentityReloader reloader = new IdentityReloader(new IdentityVersionStore(database), registry, limits);
        reloader.reload();
        IdentityAdmin identities = new IdentityAdmin(
                users,
                teams,
                keys,
                auditStore,
                limitsStore,
                limitsCodec,
                reloader::publishChange,
                new KeyTokens(new SecureRandom()),
                clock);
        identities.createUser("ada@example.com", "Ada", null, UserStatus.ACTIVE, false);
        key = identities
                .createKey("ada@example.com", null, List.of("*"), null, null, "test", false, null, List.of())
                .token();
        reloader.reload();
        UsageStore usage = new UsageStore(database);
        AdmissionControl admission = new AdmissionControl(
                new LocalCounters(),
                limits,
                LimitsConfig.defaults(0),
                new TokenEstimator(),
                usage,
                new UsageRecorder(usage, dir.resolve("usage-spool.jsonl")),
                clock);
        ModelCatalog catalog = new ModelCatalog(new ModelCatalog.Sources(List.of(), List.of(), Map.of()), clock);
        auditWriter = new AuditWriter(auditStore, 64, AuditWriter.CommitObserver.NONE, watchdog);
        Exchanges exchanges = new Exchanges(
                registry,
                new PolicyDecisionPoint(catalog, admission),
                admission,
                new AuditTrail(auditWriter, clock, JSON),
                new JsonBodyReader(JSON, 65536),
                JSON,
                new ServerConfig(
                        "127.0.0.1",
                        0,
                        65536,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(60),
                        0,
                        TrustedProxies.none()),
                clock,
                new GatewayMetrics(),
                new RequestLog(true),
                SpanExporter.NONE);
        app = Javalin.create(config -> {
                    config.startup.showJavalinBanner = false;
                    config.routes.before(ctx -> ctx.attribute(Exchanges.REQUEST_ID, "req_" + System.nanoTime()));
                    config.routes.get("/v1/out-of-memory", exchanges.listing((ctx, record, admitted) -> {
                        throw new OutOfMemoryError("Java heap space");
                    }));
                    config.routes.get("/v1/stack-overflow", exchanges.listing((ctx, record, admitted) -> {
                        throw new StackOverflowError();
                    }));
                    // Before admission, where the token estimator ran out of memory: the record is a denial.
                    config.routes.post(
                            "/v1/before-admission",
                            exchanges.model(
                                    body -> {
                                        throw new OutOfMemoryError("Java heap space");
                                    },
                                    true,
                                    (ctx, record, body, admitted) -> ctx.status(200)));
                })
                .start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        auditWriter.close();
        watchdog.shutdownNow();
        database.close();
        requestLogger.detachAppender(requestLog);
    }

    @Test
    void anErrorInAHandlerIsAJson500WithOneAuditRecordAndAnAgreeingRequestLogLine() throws Exception {
        for (String route : List.of("/v1/out-of-memory", "/v1/stack-overflow")) {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + route))
                                    .header("Authorization", "Bearer " + key)
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(route).isEqualTo(500);
            assertThat(response.headers().firstValue("Content-Type"))
                    .as(route)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("server_error");
            assertThat(error.path("code").asText()).isEqualTo("internal_error");
            assertThat(error.path("message").asText()).doesNotContain("OutOfMemoryError", "StackOverflowError", "heap");

            List<JsonNode> rows = awaitRows(route, 2);
            assertThat(rows).as(route + ": the started row and its completion").hasSize(2);
            assertThat(rows.get(0).path("decision").asText()).isEqualTo("allowed");
            assertThat(rows.get(1).path("status").asInt()).isEqualTo(500);
            assertThat(rows.get(1).path("reason").asText()).isEqualTo("internal_error");

            List<ILoggingEvent> lines = requestLog.list.stream()
                    .filter(line -> line.getFormattedMessage().contains(route))
                    .toList();
            assertThat(lines).as(route).hasSize(1);
            assertThat(lines.get(0).getFormattedMessage()).isEqualTo("GET " + route + " 500 allowed");
        }
    }

    @Test
    void anErrorBeforeAdmissionIsAJson500AuditedAsARefusalWithTheSameDecisionInTheRequestLog() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/before-admission"))
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(response.body()).path("error").path("code").asText())
                .isEqualTo("internal_error");
        List<JsonNode> rows = awaitRows("/v1/before-admission", 1);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).path("decision").asText()).isEqualTo("denied");
        assertThat(rows.get(0).path("status").asInt()).isEqualTo(500);
        assertThat(rows.get(0).path("reason").asText()).isEqualTo("internal_error");
        assertThat(rows.get(0).path("model").asText()).isEqualTo("m");
        assertThat(requestLog.list.stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .filter(line -> line.contains("/v1/before-admission")))
                .containsExactly("POST /v1/before-admission 500 internal_error");
    }

    /** The rows of the request to {@code route}, waiting for {@code count} (completions are committed after the answer). */
    private List<JsonNode> awaitRows(String route, int count) {
        return Await.lastValue(
                Duration.ofSeconds(10),
                () -> rows(route),
                rows -> rows.size() >= count,
                count + " audit rows of " + route);
    }

    private List<JsonNode> rows(String route) {
        try {
            List<AuditEvent> events = new ArrayList<>();
            auditStore.scan(events::add);
            List<String> requestIds = new ArrayList<>();
            for (AuditEvent event : events) {
                if (!event.kind().equals(AuditEvent.ADMIN)
                        && route.equals(
                                JSON.readTree(event.body()).path("route").asText())) {
                    requestIds.add(event.requestId());
                }
            }
            List<JsonNode> rows = new ArrayList<>();
            for (AuditEvent event : events) {
                if (requestIds.contains(event.requestId())) {
                    rows.add(JSON.readTree(event.body()));
                }
            }
            return rows;
        } catch (Exception e) {
            throw new AssertionError("reading the audit rows", e);
        }
    }
}
