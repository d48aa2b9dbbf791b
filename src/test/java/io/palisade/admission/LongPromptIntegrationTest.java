package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.Await;
import io.palisade.Palisade;
import io.palisade.config.ConfigLoader;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompts of two million characters without a space, well inside the body limit, end to end: one
 * is answered, one is refused by the prompt cap, each with its one audit record. Before the
 * estimator was bounded, such a prompt ran the heap out of memory and got an empty 500 with no
 * audit record.
 */
class LongPromptIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_KEY = "pal_test_admin_key_that_is_long_enough";

    @TempDir
    Path dir;

    @Test
    void twoMillionCharactersWithoutSpacesAreAnsweredOrRefusedCleanlyAndAudited() throws Exception {
        try (Simulator simulator = new Simulator(SimulatorConfig.defaults().withPort(0)).start();
                Palisade palisade = Palisade.start(
                        new ConfigLoader(Map.of())
                                .parse("""
                        server: {port: 0, max_body_bytes: 4194304}
                        store: {url: "sqlite:%s"}
                        admin: {key: "%s"}
                        limits: {max_prompt_tokens: 1000000}
                        backends:
                          - {name: local, kind: ollama, url: "%s"}
                        """.formatted(dir.resolve("palisade.db"), ADMIN_KEY, simulator.baseUrl())),
                        Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + palisade.port();
            call(base, "POST", "/admin/users", ADMIN_KEY, "{\"email\":\"long@example.com\"}");
            String key = JSON.readTree(call(
                                    base,
                                    "POST",
                                    "/admin/keys",
                                    ADMIN_KEY,
                                    "{\"user\":\"long@example.com\",\"allowed_models\":[\"*\"]}")
                            .body())
                    .path("key")
                    .asText();

            // 2,000,000 x's are 250,000 cl100k tokens (312,500 with the margin): under the cap, answered.
            HttpResponse<String> answered =
                    call(base, "POST", "/v1/chat/completions", key, chat("x".repeat(2_000_000)));
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(JSON.readTree(answered.body())
                            .path("choices")
                            .path(0)
                            .path("message")
                            .path("content")
                            .asText())
                    .isNotEmpty();

            // 2,000,000 random letters are about 1.08 million tokens: over the cap, refused before the backend.
            Random random = new Random(2);
            StringBuilder letters = new StringBuilder(2_000_000);
            while (letters.length() < 2_000_000) {
                letters.append((char) ('a' + random.nextInt(26)));
            }
            HttpResponse<String> refused = call(base, "POST", "/v1/chat/completions", key, chat(letters.toString()));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).path("error").path("code").asText())
                    .isEqualTo("prompt_too_long");

            List<JsonNode> records = awaitApiRecords(base, 2);
            assertThat(records).hasSize(2);
            assertThat(records).anySatisfy(r -> {
                assertThat(r.path("decision").asText()).isEqualTo("allowed");
                assertThat(r.path("status").asInt()).isEqualTo(200);
            });
            assertThat(records).anySatisfy(r -> {
                assertThat(r.path("decision").asText()).isEqualTo("denied");
                assertThat(r.path("reason").asText()).isEqualTo("prompt_too_long");
            });
        }
    }

    private static String chat(String content) {
        return "{\"model\":\"llama3.2:1b\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}]}";
    }

    /** The audit's records of /v1/ requests, once {@code count} are there and complete. */
    private static List<JsonNode> awaitApiRecords(String base, int count) throws Exception {
        return Await.lastValue(
                Duration.ofSeconds(10),
                () -> {
                    List<JsonNode> records = new ArrayList<>();
                    try {
                        JSON.readTree(call(base, "GET", "/admin/audit?limit=1000", ADMIN_KEY, null)
                                        .body())
                                .path("data")
                                .forEach(r -> {
                                    if (r.path("route").asText().startsWith("/v1/")) {
                                        records.add(r);
                                    }
                                });
                    } catch (Exception e) {
                        throw new AssertionError("reading the audit", e);
                    }
                    return records;
                },
                records -> records.size() >= count
                        && records.stream().allMatch(r -> r.path("complete").asBoolean()),
                count + " complete API records");
    }

    private static HttpResponse<String> call(String base, String method, String path, String key, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
