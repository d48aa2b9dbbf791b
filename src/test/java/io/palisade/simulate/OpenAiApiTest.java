package io.palisade.simulate;

import static io.palisade.simulate.TestClient.json;
import static io.palisade.simulate.TestClient.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenAiApiTest {
    private static final String CHAT = """
            {"model":"llama3.2:1b","messages":[{"role":"user","content":"Explain recursion to a child please"}]%s}""";

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
    void modelsAreListedInOpenAiShape() {
        JsonNode body = json(client.get("/v1/models"));

        assertThat(body.path("object").asText()).isEqualTo("list");
        assertThat(body.path("data").findValuesAsText("id"))
                .containsExactly("llama3.2:1b", "qwen3:0.6b", "nomic-embed-text");
        JsonNode first = body.path("data").get(0);
        assertThat(first.path("object").asText()).isEqualTo("model");
        assertThat(first.path("created").asLong()).isPositive();
        assertThat(first.path("owned_by").asText()).isEqualTo("simulate");
        assertThat(json(client.get("/v1/models/qwen3:0.6b")).path("id").asText())
                .isEqualTo("qwen3:0.6b");
    }

    @Test
    void healthIsOk() {
        var response = client.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void chatCompletionHasTheOpenAiShapeAndHonestUsage() {
        JsonNode body = json(client.post("/v1/chat/completions", CHAT.formatted("")));

        assertThat(body.path("id").asText()).startsWith("chatcmpl-");
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("created").asLong()).isPositive();
        assertThat(body.path("model").asText()).isEqualTo("llama3.2:1b");
        assertThat(body.path("system_fingerprint").asText()).isNotEmpty();
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText())
                .startsWith("Simulated answer to: Explain recursion to a child please.");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = body.path("usage");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(6 + 3);
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(24);
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(33);
    }

    @Test
    void streamedChatAddsUpToTheWholeAnswerAndEndsWithUsageAndDone() {
        JsonNode whole = json(client.post("/v1/chat/completions", CHAT.formatted("")));
        var streamed = client.post(
                "/v1/chat/completions", CHAT.formatted(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

        assertThat(streamed.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
        List<String> data = sseData(streamed.body());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks =
                data.subList(0, data.size() - 1).stream().map(TestClient::json).toList();
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("id").asText())
                    .isEqualTo(chunks.getFirst().path("id").asText());
            assertThat(chunk.has("system_fingerprint")).isTrue();
        });
        JsonNode firstDelta = chunks.getFirst().path("choices").get(0).path("delta");
        assertThat(firstDelta.path("role").asText()).isEqualTo("assistant");
        assertThat(firstDelta.path("content").asText()).isEmpty();

        JsonNode usageChunk = chunks.getLast();
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage")).isEqualTo(whole.path("usage"));

        JsonNode finishChunk = chunks.get(chunks.size() - 2).path("choices").get(0);
        assertThat(finishChunk.path("delta")).isEmpty();
        assertThat(finishChunk.path("finish_reason").asText()).isEqualTo("stop");

        List<JsonNode> contentChunks = chunks.subList(1, chunks.size() - 2);
        assertThat(contentChunks).hasSize(24).allSatisfy(chunk -> {
            assertThat(chunk.path("choices").get(0).path("finish_reason").isNull())
                    .isTrue();
            assertThat(chunk.has("usage")).isTrue();
            assertThat(chunk.path("usage").isNull()).isTrue();
        });
        String text = contentChunks.stream()
                .map(chunk -> chunk.path("choices")
                        .get(0)
                        .path("delta")
                        .path("content")
                        .asText())
                .collect(Collectors.joining());
        assertThat(text)
                .isEqualTo(whole.path("choices")
                        .get(0)
                        .path("message")
                        .path("content")
                        .asText());
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsageChunk() {
        var streamed = client.post("/v1/chat/completions", CHAT.formatted(",\"stream\":true"));

        List<String> data = sseData(streamed.body());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode last = json(data.get(data.size() - 2));
        assertThat(last.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(last.has("usage")).isFalse();
    }

    @Test
    void maxTokensAndMaxCompletionTokensCapWithFinishReasonLength() {
        JsonNode capped = json(client.post("/v1/chat/completions", CHAT.formatted(",\"max_tokens\":3")));
        JsonNode cappedNew = json(
                client.post("/v1/chat/completions", CHAT.formatted(",\"max_tokens\":100,\"max_completion_tokens\":4")));
        List<String> streamed = sseData(client.post(
                        "/v1/chat/completions",
                        CHAT.formatted(",\"max_tokens\":3,\"stream\":true,\"stream_options\":{\"include_usage\":true}"))
                .body());

        assertThat(capped.path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("Simulated answer to");
        assertThat(capped.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(capped.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
        assertThat(cappedNew.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(json(streamed.get(streamed.size() - 3))
                        .path("choices")
                        .get(0)
                        .path("finish_reason")
                        .asText())
                .isEqualTo("length");
        assertThat(json(streamed.get(streamed.size() - 2))
                        .path("usage")
                        .path("completion_tokens")
                        .asInt())
                .isEqualTo(3);
        assertThat(client.post("/v1/chat/completions", CHAT.formatted(",\"max_tokens\":0"))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void ignoreEosGeneratesExactlyMaxTokens() {
        JsonNode body =
                json(client.post("/v1/chat/completions", CHAT.formatted(",\"max_tokens\":100,\"ignore_eos\":true")));

        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void stopSequencesEndTheAnswerEarly() {
        JsonNode body = json(client.post("/v1/chat/completions", CHAT.formatted(",\"stop\":[\"recursion\"]")));

        assertThat(body.path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("Simulated answer to: Explain ");
        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void contentPartsAreReadAsText() {
        JsonNode body = json(client.post("/v1/chat/completions", """
                {"model":"llama3.2:1b","messages":[{"role":"user","content":[{"type":"text","text":"Look at this"},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,aGVsbG8="}}]}]}"""));

        assertThat(body.path("choices").get(0).path("message").path("content").asText())
                .startsWith("Simulated answer to: Look at this.");
    }

    @Test
    void responseFormatJsonSchemaIsFollowed() {
        JsonNode body = json(client.post("/v1/chat/completions", CHAT.formatted("""
                ,"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object",
                  "properties":{"summary":{"type":"string"},"score":{"type":"number"}}}}}""")));

        JsonNode answer =
                json(body.path("choices").get(0).path("message").path("content").asText());
        assertThat(answer.path("summary").asText()).startsWith("Simulated answer to:");
        assertThat(answer.path("score").isNumber()).isTrue();
    }

    @Test
    void toolCallsComeBackAsOpenAiToolCallsWhetherStreamedOrNot() {
        String tools = """
                ,"tools":[{"type":"function","function":{"name":"lookup_order","parameters":{"type":"object",
                  "properties":{"order_id":{"type":"string"},"verbose":{"type":"boolean"}},"required":["order_id"]}}}],
                 "tool_choice":"required"%s""";
        JsonNode whole = json(client.post("/v1/chat/completions", CHAT.formatted(tools.formatted(""))));
        List<String> streamed =
                sseData(client.post("/v1/chat/completions", CHAT.formatted(tools.formatted(",\"stream\":true")))
                        .body());

        JsonNode choice = whole.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("content").isNull()).isTrue();
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").asText()).matches("call_[0-9a-f]{8}");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("lookup_order");
        JsonNode arguments = json(call.path("function").path("arguments").asText());
        assertThat(arguments.path("order_id").asText()).isEqualTo("simulated");
        assertThat(arguments.has("verbose")).isFalse();

        JsonNode streamedCall = json(streamed.get(1))
                .path("choices")
                .get(0)
                .path("delta")
                .path("tool_calls")
                .get(0);
        assertThat(streamedCall.path("index").asInt()).isZero();
        assertThat(streamedCall.path("id").asText()).isEqualTo(call.path("id").asText());
        assertThat(streamedCall.path("function")).isEqualTo(call.path("function"));
        assertThat(json(streamed.get(2))
                        .path("choices")
                        .get(0)
                        .path("finish_reason")
                        .asText())
                .isEqualTo("tool_calls");
        assertThat(streamed.getLast()).isEqualTo("[DONE]");
    }

    @Test
    void toolChoiceNoneNeverCalls() {
        JsonNode body = json(client.post("/v1/chat/completions", """
                {"model":"llama3.2:1b","messages":[{"role":"user","content":"weather in Rome?"}],"tool_choice":"none",
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{}}}]}"""));

        assertThat(body.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(body.path("choices").get(0).path("message").has("tool_calls"))
                .isFalse();
    }

    @Test
    void completionsAnswerInTextCompletionShapeWhetherStreamedOrNot() {
        String request = "{\"model\":\"llama3.2:1b\",\"prompt\":\"Once upon a time\",\"max_tokens\":10%s}";
        JsonNode whole = json(client.post("/v1/completions", request.formatted("")));
        List<String> streamed = sseData(client.post(
                        "/v1/completions",
                        request.formatted(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"))
                .body());

        assertThat(whole.path("id").asText()).startsWith("cmpl-");
        assertThat(whole.path("object").asText()).isEqualTo("text_completion");
        JsonNode choice = whole.path("choices").get(0);
        // The opening "Simulated answer to: Once upon a time." is 9 tokens; the cap leaves room for one more.
        assertThat(choice.path("text").asText()).startsWith("Simulated answer to: Once upon a time. ");
        assertThat(new SimulatedTokenizer().count(choice.path("text").asText())).isEqualTo(10);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
        assertThat(whole.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(whole.path("usage").path("completion_tokens").asInt()).isEqualTo(10);

        assertThat(streamed.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = streamed.subList(0, streamed.size() - 1).stream()
                .map(TestClient::json)
                .toList();
        assertThat(chunks)
                .allSatisfy(chunk -> assertThat(chunk.path("object").asText()).isEqualTo("text_completion"));
        String text = chunks.stream()
                .flatMap(chunk -> chunk.path("choices").valueStream())
                .map(c -> c.path("text").asText())
                .collect(Collectors.joining());
        assertThat(text).isEqualTo(choice.path("text").asText());
        assertThat(chunks.getLast().path("choices")).isEmpty();
        assertThat(chunks.getLast().path("usage")).isEqualTo(whole.path("usage"));
    }

    @Test
    void completionsAnswerEachPromptOfABatch() {
        JsonNode body = json(client.post("/v1/completions", """
                {"model":"llama3.2:1b","prompt":["first prompt","second prompt"]}"""));

        assertThat(body.path("choices")).hasSize(2);
        assertThat(body.path("choices").get(1).path("index").asInt()).isEqualTo(1);
        assertThat(body.path("choices").get(1).path("text").asText()).startsWith("Simulated answer to: second prompt.");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(48);
    }

    @Test
    void embeddingsComeAsFloatsOrBase64() {
        JsonNode floats = json(client.post("/v1/embeddings", """
                {"model":"nomic-embed-text","input":["alpha beta","gamma"]}"""));
        JsonNode encoded = json(client.post("/v1/embeddings", """
                {"model":"nomic-embed-text","input":"alpha beta","encoding_format":"base64"}"""));
        JsonNode shorter = json(client.post("/v1/embeddings", """
                {"model":"nomic-embed-text","input":"alpha beta","dimensions":256}"""));

        assertThat(floats.path("object").asText()).isEqualTo("list");
        assertThat(floats.path("model").asText()).isEqualTo("nomic-embed-text");
        assertThat(floats.path("data")).hasSize(2);
        JsonNode first = floats.path("data").get(0);
        assertThat(first.path("object").asText()).isEqualTo("embedding");
        assertThat(first.path("index").asInt()).isZero();
        assertThat(first.path("embedding")).hasSize(768);
        assertThat(floats.path("data").get(1).path("index").asInt()).isEqualTo(1);
        assertThat(floats.path("usage").path("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(floats.path("usage").path("total_tokens").asInt()).isEqualTo(3);

        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder()
                        .decode(encoded.path("data").get(0).path("embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(768 * 4);
        assertThat(bytes.getFloat(0)).isEqualTo(first.path("embedding").get(0).floatValue());
        assertThat(shorter.path("data").get(0).path("embedding")).hasSize(256);
    }

    @Test
    void unknownModelIsA404InOpenAiShape() {
        for (String path : List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings")) {
            var response = client.post(
                    path,
                    "{\"model\":\"gpt-9\",\"prompt\":\"x\",\"input\":\"x\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            JsonNode error = json(response).path("error");
            assertThat(error.path("message").asText()).contains("gpt-9");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("param").asText()).isEqualTo("model");
            assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        }
        assertThat(client.get("/v1/models/gpt-9").statusCode()).isEqualTo(404);
    }

    @Test
    void malformedJsonAndBadFieldsAre400InOpenAiShape() {
        var malformed = client.post("/v1/chat/completions", "{\"model\":");
        var noMessages = client.post("/v1/chat/completions", "{\"model\":\"llama3.2:1b\",\"messages\":[]}");

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(json(malformed).path("error").has("code")).isTrue();
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(json(noMessages).path("error").path("param").asText()).isEqualTo("messages");
    }

    @Test
    void sameRequestGivesTheSameAnswer() {
        String request = CHAT.formatted(",\"seed\":5");

        assertThat(json(client.post("/v1/chat/completions", request)).path("choices"))
                .isEqualTo(json(client.post("/v1/chat/completions", request)).path("choices"));
    }
}
