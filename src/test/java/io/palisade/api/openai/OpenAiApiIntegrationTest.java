package io.palisade.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.simulate.RecordedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAI-compatible API end to end, through both backend kinds, streamed and not. */
class OpenAiApiIntegrationTest {
    @TempDir
    static Path dir;

    static TestGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(dir);
        key = gateway.userWithKey(
                "dev@example.com", List.of("llama3.2:1b", "vllm-qwen", "nomic-embed-text", "vllm-embed"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void chatThroughOllamaBackend() {
        HttpResponse<String> response = gateway.post(
                "/v1/chat/completions",
                key,
                "{\"model\":\"llama3.2:1b\",\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}],\"max_tokens\":12}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = TestGateway.json(response.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("llama3.2:1b");
        assertThat(body.path("choices").path(0).path("message").path("content").asText())
                .contains("Why is the sky blue");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isBetween(1, 12);
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isPositive();
        assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).contains("120");
        RecordedRequest upstream = last("/api/chat");
        JsonNode sent = TestGateway.json(upstream.body());
        assertThat(sent.path("options").path("num_predict").asInt()).isEqualTo(12);
        assertThat(sent.path("stream").asBoolean(true)).isFalse();
    }

    @Test
    void chatThroughOpenAiBackendKeepsUnknownFieldsAndRenamesTheModel() {
        HttpResponse<String> response = gateway.send(gateway.request("/v1/chat/completions", key)
                .header("Content-Type", "application/json")
                .header("X-Request-Id", "trace-abc-123")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"vllm-qwen\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],"
                                + "\"guided_choice\":[\"yes\",\"no\"],\"top_k\":5}")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // The request's id is Palisade's own (docs/security.md); the caller's is echoed as its own field.
        String requestId = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(requestId).startsWith("req_");
        assertThat(response.headers().firstValue("X-Client-Request-Id")).contains("trace-abc-123");
        JsonNode body = TestGateway.json(response.body());
        assertThat(body.path("model").asText()).isEqualTo("vllm-qwen");
        RecordedRequest upstream = last("/v1/chat/completions");
        JsonNode sent = TestGateway.json(upstream.body());
        assertThat(sent.path("model").asText()).isEqualTo("qwen3:0.6b");
        assertThat(sent.path("guided_choice").isArray()).isTrue();
        assertThat(sent.path("top_k").asInt()).isEqualTo(5);
        assertThat(upstream.headers().get("x-request-id")).isEqualTo(requestId);
    }

    @Test
    void streamingThroughBothBackendsEndsWithDoneAndCountsTokens() {
        for (String model : List.of("llama3.2:1b", "vllm-qwen")) {
            String request = "{\"model\":\"" + model
                    + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count to five\"}]}";
            HttpResponse<String> response = gateway.post("/v1/chat/completions", key, request);
            assertThat(response.statusCode()).as(model + ": " + response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            List<String> events = events(response.body());
            assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
            StringBuilder text = new StringBuilder();
            for (String event : events.subList(0, events.size() - 1)) {
                JsonNode chunk = TestGateway.json(event);
                assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
                assertThat(chunk.path("model").asText()).isEqualTo(model);
                assertThat(chunk.has("usage") && !chunk.path("usage").isNull())
                        .as("no usage chunk unless asked")
                        .isFalse();
                text.append(chunk.path("choices")
                        .path(0)
                        .path("delta")
                        .path("content")
                        .asText(""));
            }
            String nonStreamed = TestGateway.json(
                            gateway.post("/v1/chat/completions", key, request.replace("\"stream\":true,", ""))
                                    .body())
                    .path("choices")
                    .path(0)
                    .path("message")
                    .path("content")
                    .asText();
            assertThat(text.toString()).as(model).isEqualTo(nonStreamed);
        }
        List<JsonNode> records = gateway.awaitApiRecords(1).stream()
                .filter(r ->
                        r.path("stream").asBoolean() && r.path("route").asText().equals("/v1/chat/completions"))
                .toList();
        assertThat(records).isNotEmpty().allSatisfy(r -> {
            assertThat(r.path("completion_tokens").asInt()).isPositive();
            assertThat(r.path("prompt_tokens").asInt()).isPositive();
            assertThat(r.path("ttft_ms").asDouble()).isPositive();
        });
    }

    @Test
    void streamUsageChunkWhenTheCallerAsksForIt() {
        HttpResponse<String> response = gateway.post(
                "/v1/chat/completions",
                key,
                "{\"model\":\"vllm-qwen\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        List<String> events = events(response.body());
        JsonNode usageChunk = TestGateway.json(events.get(events.size() - 2));
        assertThat(usageChunk.path("choices").isEmpty()).isTrue();
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isPositive();
    }

    @Test
    void completionsAndEmbeddings() {
        HttpResponse<String> completion = gateway.post(
                "/v1/completions", key, "{\"model\":\"llama3.2:1b\",\"prompt\":\"Once upon a time\",\"max_tokens\":5}");
        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
        assertThat(TestGateway.json(completion.body())
                        .path("choices")
                        .path(0)
                        .path("text")
                        .asText())
                .isNotBlank();

        HttpResponse<String> vllmCompletion =
                gateway.post("/v1/completions", key, "{\"model\":\"vllm-qwen\",\"prompt\":\"Hi\"}");
        assertThat(vllmCompletion.statusCode()).as(vllmCompletion.body()).isEqualTo(200);

        HttpResponse<String> embedding =
                gateway.post("/v1/embeddings", key, "{\"model\":\"nomic-embed-text\",\"input\":[\"a\",\"b c\"]}");
        assertThat(embedding.statusCode()).as(embedding.body()).isEqualTo(200);
        JsonNode body = TestGateway.json(embedding.body());
        assertThat(body.path("data")).hasSize(2);
        assertThat(body.path("data").path(1).path("index").asInt()).isEqualTo(1);
        assertThat(body.path("data").path(0).path("embedding").size()).isGreaterThan(10);
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isPositive();

        HttpResponse<String> vllmEmbedding =
                gateway.post("/v1/embeddings", key, "{\"model\":\"vllm-embed\",\"input\":\"hello\"}");
        assertThat(vllmEmbedding.statusCode()).as(vllmEmbedding.body()).isEqualTo(200);
        assertThat(TestGateway.json(vllmEmbedding.body()).path("model").asText())
                .isEqualTo("vllm-embed");
        assertThat(TestGateway.json(vllmEmbedding.body())
                        .path("data")
                        .path(0)
                        .path("embedding")
                        .size())
                .isGreaterThan(10);
    }

    @Test
    void streamedCompletionsThroughBothBackends() {
        for (String model : List.of("llama3.2:1b", "vllm-qwen")) {
            HttpResponse<String> response = gateway.post(
                    "/v1/completions",
                    key,
                    "{\"model\":\"" + model + "\",\"prompt\":\"Once upon a time\",\"stream\":true,\"max_tokens\":6}");
            assertThat(response.statusCode()).as(model + ": " + response.body()).isEqualTo(200);
            List<String> events = events(response.body());
            assertThat(events.getLast()).isEqualTo("[DONE]");
            StringBuilder text = new StringBuilder();
            events.subList(0, events.size() - 1)
                    .forEach(e -> text.append(TestGateway.json(e)
                            .path("choices")
                            .path(0)
                            .path("text")
                            .asText("")));
            assertThat(text.toString()).as(model).isNotBlank();
            assertThat(TestGateway.json(events.get(events.size() - 2))
                            .path("choices")
                            .path(0)
                            .path("finish_reason")
                            .asText())
                    .as(model)
                    .isEqualTo("length");
        }
    }

    @Test
    void modelsListsOnlyWhatTheKeyMayUse() {
        HttpResponse<String> response = gateway.get("/v1/models", key);
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        TestGateway.json(response.body())
                .path("data")
                .forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).containsExactly("llama3.2:1b", "nomic-embed-text:latest", "vllm-embed", "vllm-qwen");
        assertThat(gateway.get("/v1/models/llama3.2:1b", key).statusCode()).isEqualTo(200);
        // Not granted: refused as ungranted (as a model that does not exist would be), not hidden as missing.
        assertThat(gateway.get("/v1/models/qwen3:0.6b", key).statusCode()).isEqualTo(403);
    }

    @Test
    void ollamaOnlyOptionsSurviveTheTranslation() {
        HttpResponse<String> response = gateway.post(
                "/v1/chat/completions",
                key,
                "{\"model\":\"llama3.2:1b\",\"think\":false,"
                        + "\"keep_alive\":\"5m\",\"temperature\":0.2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode sent = TestGateway.json(last("/api/chat").body());
        assertThat(sent.path("think").asBoolean(true)).isFalse();
        assertThat(sent.path("keep_alive").asText()).isEqualTo("5m");
        assertThat(sent.path("options").path("temperature").asDouble()).isEqualTo(0.2);
    }

    private static RecordedRequest last(String path) {
        List<RecordedRequest> requests = gateway.simulator.requests();
        for (int i = requests.size() - 1; i >= 0; i--) {
            if (requests.get(i).path().equals(path)) {
                return requests.get(i);
            }
        }
        throw new AssertionError("the simulator saw no request to " + path);
    }

    static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.startsWith("data: ")) {
                events.add(block.substring(6).trim());
            }
        }
        return events;
    }
}
