package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.Palisade;
import io.palisade.TestGateway;
import io.palisade.config.ConfigLoader;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import io.palisade.store.Database;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 8: a process killed with requests in flight (their "started" rows committed, the
 * backend still working) must not leave those requests free. A real `palisade serve` in a child
 * JVM is killed (SIGKILL); the next start on the same SQLite file charges each request its
 * reservation (usage report, budget), and a second restart charges nothing more.
 */
class CrashChargeIntegrationTest {
    private static final int IN_FLIGHT = 3;
    private static final String CHAT =
            "{\"model\":\"slow-model\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void requestsInFlightWhenTheProcessIsKilledAreChargedTheirReservationOnceAtRestart(@TempDir Path dir)
            throws Exception {
        String store = "sqlite:" + dir.resolve("palisade.db");
        // inference waits 10 minutes: the requests are in flight when the process dies
        try (Simulator hanging = new Simulator(
                                SimulatorConfig.defaults().withPort(0).withLatency(Duration.ofMinutes(10)))
                        .start();
                Simulator answering = new Simulator(SimulatorConfig.defaults().withPort(0)).start()) {
            Path config = dir.resolve("palisade.yaml");
            Files.writeString(config, yaml(store, hanging.baseUrl()));
            Process child = new ProcessBuilder(
                            javaBinary(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "io.palisade.cli.Main",
                            "serve",
                            "--config",
                            config.toString())
                    .redirectErrorStream(true)
                    .start();
            String keyId;
            String key;
            try {
                String base = "http://127.0.0.1:" + awaitPort(child);
                call(base, "POST", "/admin/users", TestGateway.ADMIN_KEY, "{\"email\":\"crash@example.com\"}");
                key = call(
                                base,
                                "POST",
                                "/admin/keys",
                                TestGateway.ADMIN_KEY,
                                "{\"user\":\"crash@example.com\",\"label\":\"t\",\"allowed_models\":[\"slow-model\"]}")
                        .path("key")
                        .asText();
                keyId = call(base, "GET", "/admin/keys?user=crash@example.com", TestGateway.ADMIN_KEY, null)
                        .path("data")
                        .path(0)
                        .path("id")
                        .asText();
                // room for the three reservations (~110 tokens each), not for a fourth
                call(
                        base,
                        "PUT",
                        "/admin/keys/" + keyId + "/limits",
                        TestGateway.ADMIN_KEY,
                        "{\"budgets\":[{\"period\":\"day\",\"tokens\":400}]}");
                List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
                for (int i = 0; i < IN_FLIGHT; i++) {
                    inFlight.add(http.sendAsync(post(base, key, CHAT), HttpResponse.BodyHandlers.ofString()));
                }
                awaitStartedRows(base, IN_FLIGHT);
                assertThat(inFlight).noneMatch(CompletableFuture::isDone);
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }

            JsonNode firstUsage;
            try (Palisade restarted = start(store, answering.baseUrl())) {
                String base = "http://127.0.0.1:" + restarted.port();
                List<JsonNode> abandoned = abandonedRecords(base);
                assertThat(abandoned).hasSize(IN_FLIGHT).allSatisfy(record -> {
                    assertThat(record.path("complete").asBoolean()).isTrue();
                    assertThat(record.path("reserved_completion_tokens").asLong())
                            .isEqualTo(100);
                });
                long reserved = abandoned.stream()
                        .mapToLong(r -> r.path("reserved_prompt_tokens").asLong()
                                + r.path("reserved_completion_tokens").asLong())
                        .sum();
                firstUsage = usageOf(base, keyId);
                assertThat(firstUsage.path("requests").asLong()).isEqualTo(IN_FLIGHT);
                assertThat(firstUsage.path("total_tokens").asLong()).isEqualTo(reserved);
                HttpResponse<String> metrics = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/metrics"))
                                .header("Authorization", "Bearer " + TestGateway.ADMIN_KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.body()).contains("palisade_abandoned_requests_charged_total " + IN_FLIGHT + ".0");
                HttpResponse<String> fourth = http.send(post(base, key, CHAT), HttpResponse.BodyHandlers.ofString());
                assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(429);
                assertThat(fourth.body()).contains("budget_exceeded");
            }
            // as if every earlier process had died mid-sweep: the next start looks at all their rows again
            try (Database database = Database.open(store);
                    Connection connection = database.connect();
                    Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate(
                                "UPDATE palisade_instances SET ended_millis = NULL, claimed_by = NULL"))
                        .isEqualTo(2);
            }
            try (Palisade again = start(store, answering.baseUrl())) {
                String base = "http://127.0.0.1:" + again.port();
                assertThat(abandonedRecords(base))
                        .as("charged once, however often the store restarts")
                        .hasSize(IN_FLIGHT);
                JsonNode usage = usageOf(base, keyId);
                assertThat(usage.path("total_tokens").asLong())
                        .isEqualTo(firstUsage.path("total_tokens").asLong());
            }
        }
    }

    private static String yaml(String store, String backendUrl) {
        return """
                server: {host: 127.0.0.1, port: 0}
                store: {url: "%s"}
                admin: {key: "%s"}
                backends:
                  - {name: slow, kind: openai, url: "%s/v1", discover_models: false, timeouts: {connect: 1s, first_byte: 10m, total: 10m}}
                models:
                  - {name: slow-model, backend: slow, upstream_model: "llama3.2:1b"}
                """.formatted(store, TestGateway.ADMIN_KEY, backendUrl);
    }

    private static Palisade start(String store, String backendUrl) {
        return Palisade.start(new ConfigLoader(Map.of()).parse(yaml(store, backendUrl)), Clock.systemUTC());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Reads the child's output until it says where it listens (its output is drained after, so it never blocks). */
    private static int awaitPort(Process child) throws IOException {
        BufferedReader lines =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher matcher = LISTENING.matcher(line);
            if (matcher.find()) {
                Thread.ofVirtual().start(() -> lines.lines().forEach(ignored -> {}));
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new IllegalStateException("the child process ended before listening:\n" + seen);
    }

    /** Waits (bounded) until the audit holds {@code count} chat requests started and not completed. */
    private void awaitStartedRows(String base, int count) {
        Await.value(
                Duration.ofSeconds(20),
                () -> {
                    try {
                        return openChats(base);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                open -> open >= count,
                count + " chat requests started and not completed in the audit");
    }

    private long openChats(String base) throws Exception {
        long open = 0;
        for (JsonNode record : call(base, "GET", "/admin/audit?limit=1000", TestGateway.ADMIN_KEY, null)
                .path("data")) {
            if (record.path("route").asText().equals("/v1/chat/completions")
                    && !record.path("complete").asBoolean()) {
                open++;
            }
        }
        return open;
    }

    private List<JsonNode> abandonedRecords(String base) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (JsonNode record : call(base, "GET", "/admin/audit?limit=1000", TestGateway.ADMIN_KEY, null)
                .path("data")) {
            if (record.path("reason").asText().equals("abandoned")) {
                records.add(record);
            }
        }
        return records;
    }

    private JsonNode usageOf(String base, String keyId) throws Exception {
        for (JsonNode row : call(base, "GET", "/admin/usage?by=key", TestGateway.ADMIN_KEY, null)
                .path("data")) {
            if (row.path("key").asText().equals(keyId)) {
                return row;
            }
        }
        return TestGateway.JSON.createObjectNode();
    }

    private static HttpRequest post(String base, String key, String body) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private JsonNode call(String base, String method, String path, String key, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s %s -> %s", method, path, response.body())
                .isBetween(200, 299);
        return TestGateway.json(response.body());
    }
}
