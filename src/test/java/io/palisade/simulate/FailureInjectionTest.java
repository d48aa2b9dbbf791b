package io.palisade.simulate;

import static io.palisade.simulate.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FailureInjectionTest {
    private static final String OPENAI_CHAT = """
            {"model":"llama3.2:1b","messages":[{"role":"user","content":"hello"}]%s}""";
    private static final String OLLAMA_CHAT = """
            {"model":"llama3.2:1b","messages":[{"role":"user","content":"hello"}]%s}""";

    private static Simulator simulator;
    private static TestClient client;

    @BeforeAll
    static void start() {
        simulator = TestClient.startSimulator(SimulatorConfig.defaults());
        client = new TestClient(simulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void forcedStatusesComeInEachDialectsErrorShape() {
        var openAi = client.post("/v1/chat/completions", OPENAI_CHAT.formatted(""), "x-simulate-fail", "500");
        var ollama = client.post("/api/chat", OLLAMA_CHAT.formatted(""), "x-simulate-fail", "503");
        var limited = client.post("/v1/chat/completions", OPENAI_CHAT.formatted(""), "x-simulate-fail", "429");

        assertThat(openAi.statusCode()).isEqualTo(500);
        assertThat(json(openAi).path("error").path("type").asText()).isEqualTo("server_error");
        assertThat(json(openAi).path("error").path("message").asText()).contains("500");
        assertThat(ollama.statusCode()).isEqualTo(503);
        assertThat(json(ollama).path("error").asText()).contains("503");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
        assertThat(json(limited).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void forcedFailuresWorkOnListingRoutesToo() {
        var tags = client.get("/api/tags", "x-simulate-fail", "503");
        var models = client.get("/v1/models", "x-simulate-fail", "500");

        assertThat(tags.statusCode()).isEqualTo(503);
        assertThat(json(tags).path("error").isTextual()).isTrue();
        assertThat(models.statusCode()).isEqualTo(500);
        assertThat(json(models).path("error").path("message").isTextual()).isTrue();
    }

    @Test
    void unknownFailureValueIsRejected() {
        var response = client.post("/v1/chat/completions", OPENAI_CHAT.formatted(""), "x-simulate-fail", "explode");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("error").path("message").asText()).contains("x-simulate-fail");
    }

    @Test
    void garbageIsA200WhoseBodyIsNotJson() {
        var whole = client.post("/v1/chat/completions", OPENAI_CHAT.formatted(""), "x-simulate-fail", "garbage");
        var streamed = client.post(
                "/v1/chat/completions", OPENAI_CHAT.formatted(",\"stream\":true"), "x-simulate-fail", "garbage");

        assertThat(whole.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> TestClient.MAPPER.readTree(whole.body())).isInstanceOf(JsonProcessingException.class);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.body()).doesNotContain("[DONE]");
        assertThatThrownBy(() -> TestClient.MAPPER.readTree(
                        TestClient.sseData(streamed.body()).getFirst()))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void disconnectCutsAnOpenAiStreamMidwayWithoutDone() throws IOException {
        var read = readUntilBroken("/v1/chat/completions", OPENAI_CHAT.formatted(",\"stream\":true"), "disconnect");

        assertThat(read.failure()).isInstanceOf(IOException.class);
        assertThat(read.lines()).anyMatch(line -> line.contains("\"content\":\" answer\""));
        assertThat(read.lines()).noneMatch(line -> line.contains("[DONE]") || line.contains("finish_reason\":\"stop"));
    }

    @Test
    void disconnectCutsAnOllamaStreamMidwayWithoutTheDoneLine() throws IOException {
        var read = readUntilBroken("/api/chat", OLLAMA_CHAT.formatted(""), "disconnect");

        assertThat(read.failure()).isInstanceOf(IOException.class);
        assertThat(read.lines()).hasSizeBetween(1, 23);
        assertThat(read.lines()).noneMatch(line -> line.contains("\"done\":true"));
    }

    @Test
    void disconnectWithoutStreamingClosesBeforeAnyResponse() {
        assertThatThrownBy(() ->
                        client.post("/v1/chat/completions", OPENAI_CHAT.formatted(""), "x-simulate-fail", "disconnect"))
                .isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> client.post(
                        "/api/embed",
                        "{\"model\":\"nomic-embed-text\",\"input\":\"x\"}",
                        "x-simulate-fail",
                        "disconnect"))
                .isInstanceOf(UncheckedIOException.class);
        // The server is unharmed.
        assertThat(client.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void timeoutHangsUntilTheClientGivesUpAndDoesNotDelayClose() throws Exception {
        Simulator own = TestClient.startSimulator(SimulatorConfig.defaults());
        var ownClient = new TestClient(own.baseUrl());
        HttpRequest request = ownClient
                .request("/api/chat", "x-simulate-fail", "timeout")
                .timeout(Duration.ofMillis(300))
                .POST(HttpRequest.BodyPublishers.ofString(OLLAMA_CHAT.formatted(",\"stream\":false")))
                .build();

        assertThatThrownBy(() -> ownClient.sendRaw(request)).isInstanceOf(HttpTimeoutException.class);
        long closeStarted = System.nanoTime();
        own.close();
        assertThat(Duration.ofNanos(System.nanoTime() - closeStarted)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void latencyHeaderDelaysTheFirstByte() {
        long started = System.nanoTime();
        var response = client.get("/health", "x-simulate-latency-ms", "200");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(client.get("/health", "x-simulate-latency-ms", "soon").statusCode())
                .isEqualTo(400);
    }

    @Test
    void configuredLatencyAndPaceSlowInferenceButNotListings() {
        try (Simulator slow = TestClient.startSimulator(
                SimulatorConfig.defaults().withLatency(Duration.ofMillis(500)).withTokensPerSecond(200))) {
            var slowClient = new TestClient(slow.baseUrl());
            // Untimed first: a cold connection and cold code can take longer than any bound.
            slowClient.get("/api/tags");

            long listed = System.nanoTime();
            slowClient.get("/api/tags");
            assertThat(Duration.ofNanos(System.nanoTime() - listed)).isLessThan(Duration.ofMillis(500));

            // 500 ms latency plus 24 tokens at 200 tokens per second.
            long streamed = System.nanoTime();
            var stream = slowClient.post("/api/chat", OLLAMA_CHAT.formatted(""));
            assertThat(Duration.ofNanos(System.nanoTime() - streamed))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(500 + 115));
            assertThat(TestClient.ndjson(stream.body())).hasSize(25);

            long whole = System.nanoTime();
            slowClient.post("/v1/chat/completions", OPENAI_CHAT.formatted(""));
            assertThat(Duration.ofNanos(System.nanoTime() - whole))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(500 + 115));
        }
    }

    @Test
    void errorRateFailsInferenceReproduciblyForTheSameSeed() {
        List<Integer> first =
                statuses(SimulatorConfig.defaults().withErrorRate(0.5).withSeed(7));
        List<Integer> second =
                statuses(SimulatorConfig.defaults().withErrorRate(0.5).withSeed(7));

        assertThat(first).isEqualTo(second).contains(200, 500).containsOnly(200, 500);
    }

    @Test
    void errorRateOneFailsEveryInferenceRequestButNoListing() {
        try (Simulator failing =
                TestClient.startSimulator(SimulatorConfig.defaults().withErrorRate(1))) {
            var failingClient = new TestClient(failing.baseUrl());

            var ollama = failingClient.post("/api/generate", "{\"model\":\"llama3.2:1b\",\"prompt\":\"x\"}");
            assertThat(ollama.statusCode()).isEqualTo(500);
            assertThat(json(ollama).path("error").isTextual()).isTrue();
            assertThat(failingClient
                            .post("/v1/embeddings", "{\"model\":\"nomic-embed-text\",\"input\":\"x\"}")
                            .statusCode())
                    .isEqualTo(500);
            assertThat(failingClient.get("/api/tags").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void disconnectRateOneCutsEveryStreamButNotWholeAnswers() throws IOException {
        try (Simulator cutting =
                TestClient.startSimulator(SimulatorConfig.defaults().withDisconnectRate(1))) {
            var cuttingClient = new TestClient(cutting.baseUrl());

            var stream = cuttingClient.postForStream(
                    "/v1/completions", "{\"model\":\"llama3.2:1b\",\"prompt\":\"x\",\"stream\":true}");
            assertThatThrownBy(() -> stream.body().readAllBytes()).isInstanceOf(IOException.class);
            assertThat(cuttingClient
                            .post("/v1/completions", "{\"model\":\"llama3.2:1b\",\"prompt\":\"x\"}")
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    private static List<Integer> statuses(SimulatorConfig config) {
        try (Simulator flaky = TestClient.startSimulator(config)) {
            var flakyClient = new TestClient(flaky.baseUrl());
            var statuses = new ArrayList<Integer>();
            for (int i = 0; i < 20; i++) {
                statuses.add(flakyClient
                        .post("/v1/chat/completions", OPENAI_CHAT.formatted(""))
                        .statusCode());
            }
            return statuses;
        }
    }

    private record BrokenRead(List<String> lines, Exception failure) {}

    private static BrokenRead readUntilBroken(String path, String body, String failure) throws IOException {
        var response = client.postForStream(path, body, "x-simulate-fail", failure);
        assertThat(response.statusCode()).isEqualTo(200);
        var lines = new ArrayList<String>();
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        } catch (IOException expected) {
            return new BrokenRead(lines, expected);
        }
        return new BrokenRead(lines, null);
    }
}
