package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.Palisade;
import io.palisade.TestGateway;
import io.palisade.config.ConfigLoader;
import io.palisade.config.ConfigSource;
import io.palisade.config.PalisadeConfig;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway in front of several simulators, one Ollama backend each (named as the simulator), run
 * from a real config file so that reloads read it again. {@code models} is the YAML from
 * {@code models:} on; "{backends}" in it is not needed: backends are written for every simulator.
 */
final class RoutingFixture implements AutoCloseable {
    static final String MODEL = "llama3.2:1b";

    final Map<String, Simulator> simulators = new LinkedHashMap<>();
    final Path configFile;
    final Palisade palisade;
    final String key;
    private final Path directory;
    private final HttpClient http = HttpClient.newHttpClient();

    private RoutingFixture(Path directory, Map<String, SimulatorConfig> configs, String rest, Clock clock) {
        this.directory = directory;
        configs.forEach((name, config) -> simulators.put(name, new Simulator(config.withPort(0)).start()));
        this.configFile = directory.resolve("palisade.yaml");
        write(rest);
        ConfigSource source = new ConfigSource() {
            @Override
            public PalisadeConfig load() {
                return new ConfigLoader(Map.of()).load(configFile);
            }

            @Override
            public Path file() {
                return configFile;
            }
        };
        this.palisade = Palisade.start(source, source.load(), clock);
        TestGateway.awaitFirstChecks(palisade);
        admin("POST", "/admin/users", "{\"email\":\"dev@example.com\"}");
        this.key = admin("POST", "/admin/keys", "{\"user\":\"dev@example.com\",\"allowed_models\":[\"*\"]}")
                .path("key")
                .asText();
    }

    static RoutingFixture start(Path directory, Map<String, SimulatorConfig> simulators, String rest) {
        return new RoutingFixture(directory, simulators, rest, Clock.systemUTC());
    }

    /** With the gateway on {@code clock}: a test that needs time to pass (a breaker's cool-down) moves it. */
    static RoutingFixture start(Path directory, Map<String, SimulatorConfig> simulators, String rest, Clock clock) {
        return new RoutingFixture(directory, simulators, rest, clock);
    }

    static SimulatorConfig simulator() {
        return SimulatorConfig.defaults().withModels(List.of(MODEL, "qwen3:0.6b"));
    }

    /** Writes the config file: server, store, admin key, a backend per simulator, then {@code rest}. */
    void write(String rest) {
        StringBuilder yaml = new StringBuilder("""
                server: {port: 0}
                store: {url: "sqlite:%s"}
                admin: {key: "%s"}
                limits: {default_requests_per_minute: 0}
                backends:
                """.formatted(directory.resolve("palisade.db"), TestGateway.ADMIN_KEY));
        simulators.forEach((name, simulator) -> yaml.append("  - {name: ")
                .append(name)
                .append(", kind: ollama, url: \"")
                .append(simulator.baseUrl())
                .append("\", discover_models: false, timeouts: {connect: 500ms, first_byte: 3s, total: 10s}}\n"));
        yaml.append(rest);
        try {
            Files.createDirectories(directory);
            Files.writeString(configFile, yaml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<String> chat(String model) {
        return chat(model, false, key, Map.of());
    }

    HttpResponse<String> chat(String model, boolean stream, String apiKey, Map<String, String> headers) {
        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    /** How many generation requests the simulator received. */
    long served(String simulator) {
        return simulators.get(simulator).requests().stream()
                .filter(r -> r.path().equals("/api/chat"))
                .count();
    }

    void clearCounts() {
        simulators.values().forEach(Simulator::clearRequests);
    }

    JsonNode admin(String method, String path, String body) {
        HttpResponse<String> response = adminCall(method, path, body);
        assertThat(response.statusCode())
                .as("%s %s -> %s", method, path, response.body())
                .isBetween(200, 299);
        return TestGateway.json(response.body());
    }

    HttpResponse<String> adminCall(String method, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestGateway.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The model's status entry from the admin API. */
    JsonNode status(String model) {
        return admin("GET", "/admin/models/status?model=" + model, null)
                .path("data")
                .path(0);
    }

    /** The audit records of chat requests, oldest first, once every one of them is complete. */
    List<JsonNode> chatRecords() {
        return Await.value(
                Duration.ofSeconds(5),
                this::chatRecordsNow,
                records -> records.stream().allMatch(r -> r.path("complete").asBoolean()),
                "every chat record complete in the audit");
    }

    private List<JsonNode> chatRecordsNow() {
        List<JsonNode> records = new java.util.ArrayList<>();
        admin("GET", "/admin/audit?limit=10000", null).path("data").forEach(record -> {
            if ("/v1/chat/completions".equals(record.path("route").asText())) {
                records.add(record);
            }
        });
        return records;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + palisade.port();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        palisade.close();
        simulators.values().forEach(Simulator::close);
    }
}
