package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.TestGateway;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit's durability order and content capture, observed from outside. */
class AuditCoverageIntegrationTest {
    @Test
    void aRequestInFlightIsAlreadyOnRecordAsIncomplete(@TempDir Path dir) throws Exception {
        try (Simulator slow = new Simulator(SimulatorConfig.defaults()
                                .withPort(0)
                                .withModels(List.of("m"))
                                .withLatency(Duration.ofMillis(1500)))
                        .start();
                TestGateway gateway = TestGateway.start(
                        dir,
                        "",
                        "  - {name: slow, kind: ollama, url: \"" + slow.baseUrl() + "\", discover_models: false}\n",
                        "  - {name: slow-model, backend: slow, upstream_model: m}\n")) {
            String key = gateway.userWithKey("kim@example.com", List.of("slow-model"));
            CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> gateway.post(
                    "/v1/chat/completions",
                    key,
                    "{\"model\":\"slow-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            JsonNode during = Await.value(
                    Duration.ofSeconds(5),
                    () -> gateway.apiRecords().stream().findFirst().orElse(null),
                    record -> record != null,
                    "the started row committed before the backend answers");
            assertThat(during.path("complete").asBoolean(true)).isFalse();
            assertThat(during.path("user").asText()).isEqualTo("kim@example.com");
            assertThat(during.has("status")).isFalse();
            assertThat(inFlight.get().statusCode()).isEqualTo(200);
            JsonNode after = gateway.awaitApiRecords(1).get(0);
            assertThat(after.path("complete").asBoolean()).isTrue();
            assertThat(after.path("status").asInt()).isEqualTo(200);
            assertThat(after.path("latency_ms").asDouble()).isGreaterThan(1000);
        }
    }

    @Test
    void contentCaptureIsOffByDefaultAndTruncatesWhenAsked(@TempDir Path dir) {
        String body =
                "{\"model\":\"llama3.2:1b\",\"messages\":[{\"role\":\"user\",\"content\":\"my secret prompt text\"}]}";
        try (TestGateway gateway = TestGateway.start(dir.resolve("off"))) {
            String key = gateway.userWithKey("off@example.com", List.of("llama3.2:1b"));
            gateway.post("/v1/chat/completions", key, body);
            JsonNode record = gateway.awaitApiRecords(1).get(0);
            assertThat(record.has("prompt")).isFalse();
            assertThat(record.toString()).doesNotContain("my secret prompt");
        }
        try (TestGateway gateway =
                TestGateway.start(dir.resolve("on"), "audit: {content: truncated, content_max_chars: 12}")) {
            String key = gateway.userWithKey("on@example.com", List.of("llama3.2:1b"));
            gateway.post("/v1/chat/completions", key, body);
            gateway.post("/v1/chat/completions", key, body.replace("}]}", "}],\"stream\":true}"));
            List<JsonNode> records = gateway.awaitApiRecords(2);
            assertThat(records).allSatisfy(r -> {
                assertThat(r.path("prompt").asText()).isEqualTo("user: my sec");
                assertThat(r.path("response").asText()).hasSize(12).startsWith("Simulated");
            });
        }
    }
}
