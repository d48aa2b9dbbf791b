package io.palisade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.config.ConfigLoader;
import io.palisade.config.PalisadeConfig;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Palisade on a random port with a real store (a SQLite file, or with
 * {@link #startOnPostgres} a fresh database on the JVM's {@link TestPostgres}), in front of a real
 * {@code palisade simulate} on another random port, spoken to over real HTTP. Two backends point
 * at the simulator: "local" speaks Ollama's native API (models discovered), "vllm" speaks the
 * OpenAI API (model "vllm-qwen" configured onto the simulator's "qwen3:0.6b").
 */
public final class TestGateway implements AutoCloseable {
    public static final String ADMIN_KEY = "pal_test_admin_key_that_is_long_enough";
    public static final ObjectMapper JSON = new ObjectMapper();

    public final Simulator simulator;
    public final Palisade palisade;
    private final String storeUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestGateway(Simulator simulator, Palisade palisade, String storeUrl) {
        this.simulator = simulator;
        this.palisade = palisade;
        this.storeUrl = storeUrl;
    }

    public static TestGateway start(Path dir) {
        return start(dir, "");
    }

    /** {@code extraYaml} is appended to the config (top-level keys not used by the base config). */
    public static TestGateway start(Path dir, String extraYaml) {
        return start(dir, extraYaml, "", "");
    }

    /**
     * {@code extraBackends} and {@code extraModels} are YAML list items (each line starting with
     * "  - ") added to the base backends and models.
     */
    public static TestGateway start(Path dir, String extraYaml, String extraBackends, String extraModels) {
        return start(dir, extraYaml, extraBackends, extraModels, Clock.systemUTC());
    }

    /** With {@code clock} as the gateway's clock (budget periods, rate windows, audit times). */
    public static TestGateway start(Path dir, String extraYaml, String extraBackends, String extraModels, Clock clock) {
        return startWithStore("sqlite:" + dir.resolve("palisade.db"), extraYaml, extraBackends, extraModels, clock);
    }

    /** Like {@link #start(Path)}, but the store is a new, empty database on the test PostgreSQL server. */
    public static TestGateway startOnPostgres() {
        return startOnPostgres("");
    }

    /** {@code extraYaml} as for {@link #start(Path, String)}. */
    public static TestGateway startOnPostgres(String extraYaml) {
        return startWithStore(TestPostgres.newDatabaseUrl(), extraYaml, "", "", Clock.systemUTC());
    }

    /** A gateway on the given store URL (two of them on one store act as two replicas). */
    public static TestGateway startWithStore(
            String storeUrl, String extraYaml, String extraBackends, String extraModels, Clock clock) {
        return startWith(
                SimulatorConfig.defaults().withPort(0), storeUrl, extraYaml, extraBackends, extraModels, clock);
    }

    /** A gateway in front of a simulator configured by the test (models, knowledge, judge modes). */
    public static TestGateway startWithSimulator(Path dir, SimulatorConfig simulatorConfig, String extraYaml) {
        return startWith(
                simulatorConfig.withPort(0),
                "sqlite:" + dir.resolve("palisade.db"),
                extraYaml,
                "",
                "",
                Clock.systemUTC());
    }

    /** Like {@link #startWithSimulator(Path, SimulatorConfig, String)}, with models added as in {@link #start(Path, String, String, String)}. */
    public static TestGateway startWithSimulator(
            Path dir, SimulatorConfig simulatorConfig, String extraYaml, String extraModels) {
        return startWith(
                simulatorConfig.withPort(0),
                "sqlite:" + dir.resolve("palisade.db"),
                extraYaml,
                "",
                extraModels,
                Clock.systemUTC());
    }

    private static TestGateway startWith(
            SimulatorConfig simulatorConfig,
            String storeUrl,
            String extraYaml,
            String extraBackends,
            String extraModels,
            Clock clock) {
        Simulator simulator = new Simulator(simulatorConfig).start();
        String yaml = """
                server: {port: 0, max_body_bytes: 65536}
                store: {url: "%s"}
                admin: {key: "%s"}
                backends:
                  - {name: local, kind: ollama, url: "%s", timeouts: {connect: 1s, first_byte: 2s, total: 5s}}
                  - {name: vllm, kind: openai, url: "%s/v1", timeouts: {connect: 1s, first_byte: 2s, total: 5s}}
                  - {name: down, kind: openai, url: "http://127.0.0.1:9", api_key: "sk-do-not-leak-me", discover_models: false}
                %s
                models:
                  - {name: vllm-qwen, backend: vllm, upstream_model: "qwen3:0.6b"}
                  - {name: vllm-embed, backend: vllm, upstream_model: nomic-embed-text}
                  - {name: broken-model, backend: down, upstream_model: whatever}
                %s
                %s
                """.formatted(
                storeUrl, ADMIN_KEY, simulator.baseUrl(), simulator.baseUrl(), extraBackends, extraModels, extraYaml);
        PalisadeConfig config = new ConfigLoader(checkpointFileFor(storeUrl)).parse(yaml);
        Palisade palisade = Palisade.start(config, clock);
        awaitFirstChecks(palisade);
        return new TestGateway(simulator, palisade, storeUrl);
    }

    /**
     * Waits until the checks {@link Palisade#start} began in the background have concluded (first
     * discovery, probes and pin checks), so that a test's first request sees discovered models,
     * probed backends and checked pins. Each check is bounded by its backend's limit for checks; the bound here is generous.
     */
    public static void awaitFirstChecks(Palisade palisade) {
        Await.until(Duration.ofSeconds(60), palisade::firstChecksDone, "the gateway's first discovery and pin checks");
    }

    /**
     * A PostgreSQL store has no directory of its own, so by default its audit checkpoints would go
     * to ./data of the build: they go to a fresh temporary directory instead (an override, as
     * PALISADE_AUDIT_CHECKPOINT_FILE would be). A SQLite store keeps the default, beside its file.
     */
    private static Map<String, String> checkpointFileFor(String storeUrl) {
        if (storeUrl.startsWith("sqlite:")) {
            return Map.of();
        }
        try {
            return Map.of(
                    "PALISADE_AUDIT_CHECKPOINT_FILE",
                    Files.createTempDirectory("palisade-checkpoints")
                            .resolve("checkpoints.jsonl")
                            .toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + palisade.port();
    }

    /** The store's URL, fit for {@code --store} (SQLite: {@code sqlite:PATH}; PostgreSQL: a URL without password). */
    public String storeUrl() {
        return storeUrl;
    }

    public HttpResponse<String> post(String path, String key, String body) {
        return send(request(path, key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public HttpResponse<String> get(String path, String key) {
        return send(request(path, key).GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder;
    }

    /** An admin call that must succeed; returns its JSON answer. */
    public JsonNode admin(String method, String path, String body) {
        HttpRequest.Builder request = request(path, ADMIN_KEY)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = send(request);
        assertThat(response.statusCode())
                .as("%s %s -> %s", method, path, response.body())
                .isBetween(200, 299);
        return json(response.body());
    }

    /** Creates an active user and a key granted {@code models}; returns the key. */
    public String userWithKey(String email, List<String> models) {
        return userWithKey(email, models, null);
    }

    public String userWithKey(String email, List<String> models, Integer requestsPerMinute) {
        admin("POST", "/admin/users", "{\"email\":\"" + email + "\"}");
        StringBuilder body = new StringBuilder("{\"user\":\"" + email + "\",\"label\":\"test\",\"allowed_models\":[");
        for (int i = 0; i < models.size(); i++) {
            body.append(i > 0 ? "," : "").append('"').append(models.get(i)).append('"');
        }
        body.append("]");
        if (requestsPerMinute != null) {
            body.append(",\"requests_per_minute\":").append(requestsPerMinute);
        }
        body.append("}");
        return admin("POST", "/admin/keys", body.toString()).path("key").asText();
    }

    /** The audit as an admin sees it: one record per request, oldest first. */
    public List<JsonNode> auditRecords() {
        JsonNode answer = admin("GET", "/admin/audit?limit=10000", null);
        List<JsonNode> records = new java.util.ArrayList<>();
        answer.path("data").forEach(records::add);
        return records;
    }

    /**
     * Waits until the audit holds {@code count} complete API records ("completed" rows are queued
     * after the answer is sent, so they can trail the response by a commit).
     */
    public List<JsonNode> awaitApiRecords(int count) {
        return Await.value(
                Duration.ofSeconds(10),
                this::apiRecords,
                records -> records.size() >= count
                        && records.stream().allMatch(r -> r.path("complete").asBoolean()),
                count + " complete API records in the audit");
    }

    /** Records of API requests (not admin actions) whose route is under /v1/. */
    public List<JsonNode> apiRecords() {
        return auditRecords().stream()
                .filter(r -> r.path("route").asText("").startsWith("/v1/"))
                .toList();
    }

    public static JsonNode json(String text) {
        try {
            return text == null || text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    @Override
    public void close() {
        palisade.close();
        simulator.close();
    }
}
