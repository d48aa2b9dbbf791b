package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the audit counts of requests that did not end normally: streams the caller left, callers refused at the door. */
class AuditCountsIntegrationTest {
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aStreamTheCallerLeftRecordsTheTokensRelayed(@TempDir Path dir) throws Exception {
        try (Simulator paced = new Simulator(SimulatorConfig.defaults()
                                .withPort(0)
                                .withModels(List.of("m"))
                                .withTokensPerSecond(20))
                        .start();
                TestGateway gateway = TestGateway.start(
                        dir,
                        "",
                        "  - {name: paced-ollama, kind: ollama, url: \"" + paced.baseUrl()
                                + "\", discover_models: false}\n" + "  - {name: paced-openai, kind: openai, url: \""
                                + paced.baseUrl() + "/v1\", discover_models: false}\n",
                        """
                       - {name: via-ollama, backend: paced-ollama, upstream_model: m}
                       - {name: via-openai, backend: paced-openai, upstream_model: m}
                     """)) {
            String key = gateway.userWithKey("leaver@example.com", List.of("via-ollama", "via-openai"));
            String keyId = gateway.admin("GET", "/admin/keys?user=leaver@example.com", null)
                    .path("data")
                    .path(0)
                    .path("id")
                    .asText();
            gateway.admin("PUT", "/admin/keys/" + keyId + "/limits", "{\"tokens_per_minute\":100000}");
            for (String model : List.of("via-ollama", "via-openai")) {
                String stream = "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":300,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                HttpResponse<InputStream> response = HttpClient.newHttpClient()
                        .send(
                                gateway.request("/v1/chat/completions", key)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(stream))
                                        .build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                assertThat(response.statusCode()).isEqualTo(200);
                try (InputStream body = response.body()) {
                    int events = 0;
                    StringBuilder line = new StringBuilder();
                    while (events < 5) {
                        int c = body.read();
                        assertThat(c).as("the stream ended early").isNotNegative();
                        if (c == '\n' && line.toString().startsWith("data:")) {
                            events++;
                        }
                        line = c == '\n' ? new StringBuilder() : line.append((char) c);
                    }
                }
            }
            List<JsonNode> records = gateway.awaitApiRecords(2);
            assertThat(records).hasSize(2).allSatisfy(record -> {
                assertThat(record.path("reason").asText()).isEqualTo("client_disconnected");
                assertThat(record.path("usage_source").asText()).isEqualTo("relayed");
                assertThat(record.path("completion_tokens").asInt())
                        .as(record.toString())
                        .isBetween(5, 299);
                assertThat(record.path("prompt_tokens").asInt())
                        .as(record.toString())
                        .isPositive();
            });
        }
    }

    @Test
    void aCallerRefusedForItsKeyHasTheModelItAskedForRecorded(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String forged = "pal_forgedforged_this-is-not-a-real-secret";
            assertThat(gateway.post("/v1/chat/completions", forged, CHAT.formatted("qwen3:0.6b"))
                            .statusCode())
                    .isEqualTo(401);
            assertThat(gateway.post("/v1/chat/completions", null, CHAT.formatted("llama3.2:1b"))
                            .statusCode())
                    .isEqualTo(401);
            // Refused the same way whatever the body: malformed, or over server.max_body_bytes (64 KiB here).
            assertThat(gateway.post("/v1/chat/completions", forged, "{\"model\": \"qwen3:0.6b\", ")
                            .statusCode())
                    .isEqualTo(401);
            String huge = "{\"model\":\"qwen3:0.6b\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + "x".repeat(70_000) + "\"}]}";
            HttpResponse<String> tooLarge = gateway.post("/v1/chat/completions", forged, huge);
            assertThat(tooLarge.statusCode()).isEqualTo(401);
            assertThat(TestGateway.json(tooLarge.body())
                            .path("error")
                            .path("code")
                            .asText())
                    .isEqualTo("invalid_api_key");

            // Only the body's first 16 KiB are read for a refused caller: a model named after them stays unknown.
            String late = "{\"pad\":\"" + "x".repeat(20_000) + "\",\"model\":\"qwen3:0.6b\"}";
            assertThat(gateway.post("/v1/chat/completions", forged, late).statusCode())
                    .isEqualTo(401);

            List<JsonNode> records = gateway.awaitApiRecords(5);
            assertThat(records).extracting(r -> r.path("status").asInt()).containsExactly(401, 401, 401, 401, 401);
            // The model is read by a streaming parser up to the field: a body cut or too large after it still names it.
            assertThat(records)
                    .extracting(r ->
                            r.path("model").isNull() ? null : r.path("model").asText())
                    .containsExactly("qwen3:0.6b", "llama3.2:1b", "qwen3:0.6b", "qwen3:0.6b", null);
        }
    }
}
