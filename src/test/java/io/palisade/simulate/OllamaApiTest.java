package io.palisade.simulate;

import static io.palisade.simulate.TestClient.json;
import static io.palisade.simulate.TestClient.ndjson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OllamaApiTest {
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
    void rootAndVersionAnswerLikeOllama() {
        var root = client.get("/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).isEqualTo("Ollama is running");
        assertThat(json(client.get("/api/version")).path("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void tagsListEveryModelWithDetailsAndStableDigest() {
        JsonNode models = json(client.get("/api/tags")).path("models");

        assertThat(models).hasSize(3);
        assertThat(models.findValuesAsText("name"))
                .containsExactly("llama3.2:1b", "qwen3:0.6b", "nomic-embed-text:latest");
        JsonNode llama = models.get(0);
        assertThat(llama.path("model").asText()).isEqualTo("llama3.2:1b");
        assertThat(llama.path("modified_at").asText()).isNotEmpty();
        assertThat(llama.path("size").asLong()).isPositive();
        assertThat(llama.path("digest").asText()).matches("[0-9a-f]{64}");
        assertThat(llama.path("details").path("family").asText()).isEqualTo("llama");
        assertThat(llama.path("details").path("format").asText()).isEqualTo("gguf");
        assertThat(llama.path("details").path("parameter_size").asText()).isEqualTo("1B");
        assertThat(llama.path("details").path("quantization_level").asText()).isEqualTo("Q4_K_M");
        assertThat(models.get(1).path("details").path("family").asText()).isEqualTo("qwen3");
        assertThat(models.get(2).path("details").path("family").asText()).isEqualTo("nomic-bert");

        String digestAgain = json(client.get("/api/tags"))
                .path("models")
                .get(0)
                .path("digest")
                .asText();
        assertThat(digestAgain).isEqualTo(llama.path("digest").asText());
        assertThat(models.get(1).path("digest").asText())
                .isNotEqualTo(llama.path("digest").asText());
    }

    @Test
    void chatWithoutStreamReturnsOneCompleteObject() {
        var response = client.post("/api/chat", """
                {"model":"llama3.2:1b","stream":false,
                 "messages":[{"role":"system","content":"Be brief."},
                             {"role":"user","content":"Why is the sky blue on a clear summer day?"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        JsonNode body = json(response);
        assertThat(body.path("model").asText()).isEqualTo("llama3.2:1b");
        assertThat(body.path("created_at").asText()).isNotEmpty();
        assertThat(body.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(body.path("message").path("content").asText())
                .startsWith("Simulated answer to: Why is the sky blue on a clear.");
        assertThat(body.path("done").asBoolean()).isTrue();
        assertThat(body.path("done_reason").asText()).isEqualTo("stop");
        assertThat(body.path("eval_count").asInt()).isEqualTo(24);
        // "Be brief." is 3 tokens, the question 11, plus 3 per message of template overhead.
        assertThat(body.path("prompt_eval_count").asInt()).isEqualTo(3 + 11 + 2 * 3);
        for (String field : List.of("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")) {
            assertThat(body.path(field).asLong()).as(field).isPositive();
        }
        assertThat(body.path("message").has("thinking")).isFalse();
    }

    @Test
    void chatStreamsByDefaultAndTheStreamAddsUpToTheWholeAnswer() {
        String request = """
                {"model":"llama3.2:1b","messages":[{"role":"user","content":"Tell me a story about a lighthouse"}]}""";
        var streamed = client.post("/api/chat", request);
        JsonNode whole = json(client.post("/api/chat", wholeVersionOf(request)));

        assertThat(streamed.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        List<JsonNode> lines = ndjson(streamed.body());
        List<JsonNode> tokens = lines.subList(0, lines.size() - 1);
        JsonNode last = lines.getLast();
        assertThat(tokens).hasSize(24).allSatisfy(line -> {
            assertThat(line.path("done").asBoolean()).isFalse();
            assertThat(line.path("message").path("role").asText()).isEqualTo("assistant");
        });
        String text = tokens.stream()
                .map(line -> line.path("message").path("content").asText())
                .collect(Collectors.joining());
        assertThat(text).isEqualTo(whole.path("message").path("content").asText());
        assertThat(last.path("done").asBoolean()).isTrue();
        assertThat(last.path("message").path("content").asText()).isEmpty();
        assertThat(last.path("done_reason").asText()).isEqualTo("stop");
        assertThat(last.path("eval_count").asInt())
                .isEqualTo(whole.path("eval_count").asInt())
                .isEqualTo(24);
        assertThat(last.path("prompt_eval_count").asInt())
                .isEqualTo(whole.path("prompt_eval_count").asInt());
    }

    @Test
    void numPredictCutsTheAnswerWithDoneReasonLength() {
        String request = """
                {"model":"llama3.2:1b","options":{"num_predict":5},
                 "messages":[{"role":"user","content":"Count to ten"}]}""";
        JsonNode whole = json(client.post("/api/chat", wholeVersionOf(request)));
        List<JsonNode> lines = ndjson(client.post("/api/chat", request).body());

        assertThat(whole.path("message").path("content").asText()).isEqualTo("Simulated answer to: Count");
        assertThat(whole.path("eval_count").asInt()).isEqualTo(5);
        assertThat(whole.path("done_reason").asText()).isEqualTo("length");
        assertThat(lines).hasSize(6);
        assertThat(lines.getLast().path("done_reason").asText()).isEqualTo("length");
        assertThat(lines.getLast().path("eval_count").asInt()).isEqualTo(5);
    }

    @Test
    void sameRequestGivesTheSameAnswerAndTheSeedChangesIt() {
        String request = """
                {"model":"llama3.2:1b","stream":false,"options":{"seed":%d,"temperature":0.7},
                 "messages":[{"role":"user","content":"Name a colour"}]}""";
        String first = json(client.post("/api/chat", request.formatted(1)))
                .path("message")
                .path("content")
                .asText();
        String again = json(client.post("/api/chat", request.formatted(1)))
                .path("message")
                .path("content")
                .asText();
        String otherSeed = json(client.post("/api/chat", request.formatted(2)))
                .path("message")
                .path("content")
                .asText();

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first).startsWith("Simulated answer to: Name a colour.");
    }

    @Test
    void temperatureZeroIgnoresTheSeed() {
        String request = """
                {"model":"llama3.2:1b","stream":false,"options":{"seed":%d,"temperature":0},
                 "messages":[{"role":"user","content":"Name a colour"}]}""";

        assertThat(json(client.post("/api/chat", request.formatted(1)))
                        .path("message")
                        .path("content")
                        .asText())
                .isEqualTo(json(client.post("/api/chat", request.formatted(2)))
                        .path("message")
                        .path("content")
                        .asText());
    }

    @Test
    void thinkAddsReasoningBeforeTheAnswerInBothModes() {
        String request = """
                {"model":"qwen3:0.6b","think":true,"messages":[{"role":"user","content":"Is 7 prime?"}]}""";
        JsonNode whole = json(client.post("/api/chat", wholeVersionOf(request)));
        List<JsonNode> lines = ndjson(client.post("/api/chat", request).body());

        String thinking = whole.path("message").path("thinking").asText();
        assertThat(thinking).contains("Is 7 prime?");
        String streamedThinking = lines.stream()
                .map(line -> line.path("message").path("thinking").asText(""))
                .collect(Collectors.joining());
        String streamedContent = lines.stream()
                .map(line -> line.path("message").path("content").asText(""))
                .collect(Collectors.joining());
        assertThat(streamedThinking).isEqualTo(thinking);
        assertThat(streamedContent)
                .isEqualTo(whole.path("message").path("content").asText());
        var tokenizer = new SimulatedTokenizer();
        assertThat(whole.path("eval_count").asInt()).isEqualTo(tokenizer.count(thinking) + 24);
        assertThat(lines.getLast().path("eval_count").asInt())
                .isEqualTo(whole.path("eval_count").asInt());
    }

    @Test
    void formatJsonAnswersWithAJsonObject() {
        JsonNode body = json(client.post("/api/chat", """
                {"model":"llama3.2:1b","stream":false,"format":"json",
                 "messages":[{"role":"user","content":"List a fruit"}]}"""));

        JsonNode answer = json(body.path("message").path("content").asText());
        assertThat(answer.isObject()).isTrue();
        assertThat(answer.path("answer").asText()).startsWith("Simulated answer to: List a fruit.");
    }

    @Test
    void formatSchemaAnswersWithAnObjectFollowingTheSchema() {
        JsonNode body = json(client.post("/api/chat", """
                {"model":"llama3.2:1b","stream":false,"messages":[{"role":"user","content":"Describe a city"}],
                 "format":{"type":"object","properties":{
                    "name":{"type":"string"},"population":{"type":"integer"},"capital":{"type":"boolean"},
                    "size":{"type":"string","enum":["small","large"]},
                    "tags":{"type":"array","items":{"type":"string"}}},
                  "required":["name","population"]}}"""));

        JsonNode answer = json(body.path("message").path("content").asText());
        assertThat(answer.path("name").asText()).startsWith("Simulated answer to: Describe a city.");
        assertThat(answer.path("population").isInt()).isTrue();
        assertThat(answer.path("capital").isBoolean()).isTrue();
        assertThat(answer.path("size").asText()).isIn("small", "large");
        assertThat(answer.path("tags").isArray()).isTrue();
    }

    @Test
    void toolsAreCalledWhenTheUserAsksAboutTheWeather() {
        String request = """
                {"model":"llama3.2:1b",
                 "messages":[{"role":"user","content":"What is the weather in San Francisco today?"}],
                 "tools":[{"type":"function","function":{"name":"get_current_weather","description":"weather",
                   "parameters":{"type":"object","properties":{"location":{"type":"string"},
                      "format":{"type":"string","enum":["celsius","fahrenheit"]}},
                   "required":["location","format"]}}}]}""";
        JsonNode whole = json(client.post("/api/chat", wholeVersionOf(request)));
        List<JsonNode> lines = ndjson(client.post("/api/chat", request).body());

        JsonNode call = whole.path("message").path("tool_calls").get(0).path("function");
        assertThat(call.path("name").asText()).isEqualTo("get_current_weather");
        assertThat(call.path("arguments").path("location").asText()).isEqualTo("San Francisco");
        assertThat(call.path("arguments").path("format").asText()).isEqualTo("celsius");
        assertThat(whole.path("message").path("content").asText()).isEmpty();
        assertThat(whole.path("done_reason").asText()).isEqualTo("stop");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).path("message").path("tool_calls").get(0).path("function"))
                .isEqualTo(call);
        assertThat(lines.get(1).path("eval_count").asInt())
                .isEqualTo(whole.path("eval_count").asInt())
                .isPositive();
    }

    @Test
    void toolsAreNotCalledForUnrelatedQuestionsOrAfterAToolResult() {
        String tools = """
                "tools":[{"type":"function",
                          "function":{"name":"get_current_weather","parameters":{"type":"object"}}}]""";
        JsonNode unrelated = json(client.post("/api/chat", """
                {"model":"llama3.2:1b","stream":false,"messages":[{"role":"user","content":"Hello there"}],%s}""".formatted(tools)));
        JsonNode afterResult = json(client.post("/api/chat", """
                {"model":"llama3.2:1b","stream":false,"messages":[{"role":"user","content":"Weather in Oslo?"},
                  {"role":"assistant","content":"",
                   "tool_calls":[{"function":{"name":"get_current_weather","arguments":{}}}]},
                  {"role":"tool","content":"12 degrees"}],%s}""".formatted(tools)));

        assertThat(unrelated.path("message").has("tool_calls")).isFalse();
        assertThat(afterResult.path("message").has("tool_calls")).isFalse();
        assertThat(afterResult.path("message").path("content").asText())
                .startsWith("Simulated answer to: Weather in Oslo?");
    }

    @Test
    void imagesOnMessagesAreAccepted() {
        var response = client.post("/api/chat", """
                {"model":"llama3.2:1b","stream":false,
                 "messages":[{"role":"user","content":"What is this?","images":["aGVsbG8="]}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void generateStreamsResponseFieldsThatAddUpToTheWholeAnswer() {
        String request = """
                {"model":"llama3.2:1b","prompt":"Write a haiku about rain","system":"You are a poet"}""";
        List<JsonNode> lines = ndjson(client.post("/api/generate", request).body());
        JsonNode whole = json(client.post("/api/generate", wholeVersionOf(request)));

        assertThat(whole.path("response").asText()).startsWith("Simulated answer to: Write a haiku about rain.");
        assertThat(whole.has("message")).isFalse();
        String streamed =
                lines.stream().map(line -> line.path("response").asText()).collect(Collectors.joining());
        assertThat(streamed).isEqualTo(whole.path("response").asText());
        assertThat(lines.getLast().path("eval_count").asInt())
                .isEqualTo(whole.path("eval_count").asInt())
                .isEqualTo(24);
        assertThat(lines.getLast().path("prompt_eval_count").asInt())
                .isEqualTo(whole.path("prompt_eval_count").asInt())
                .isEqualTo(4 + 5 + 2 * 3);
    }

    @Test
    void generateAndChatAnswerTheSamePromptIdentically() {
        JsonNode generated = json(client.post("/api/generate", """
                {"model":"llama3.2:1b","stream":false,"prompt":"Same words here"}"""));
        JsonNode chatted = json(client.post("/api/chat", """
                {"model":"llama3.2:1b","stream":false,"messages":[{"role":"user","content":"Same words here"}]}"""));

        assertThat(generated.path("response").asText())
                .isEqualTo(chatted.path("message").path("content").asText());
        assertThat(generated.path("prompt_eval_count").asInt())
                .isEqualTo(chatted.path("prompt_eval_count").asInt());
    }

    @Test
    void modelsLoadOnUseAndKeepAliveZeroUnloadsThem() {
        Simulator own = TestClient.startSimulator(SimulatorConfig.defaults());
        try (own) {
            var ownClient = new TestClient(own.baseUrl());
            assertThat(json(ownClient.get("/api/ps")).path("models")).isEmpty();

            ownClient.post("/api/generate", "{\"model\":\"llama3.2:1b\",\"prompt\":\"hi\",\"stream\":false}");
            JsonNode loaded = json(ownClient.get("/api/ps")).path("models");
            assertThat(loaded).hasSize(1);
            assertThat(loaded.get(0).path("name").asText()).isEqualTo("llama3.2:1b");
            assertThat(loaded.get(0).path("digest").asText()).matches("[0-9a-f]{64}");
            assertThat(loaded.get(0).path("expires_at").asText()).isNotEmpty();
            assertThat(loaded.get(0).path("size_vram").asLong()).isPositive();

            JsonNode unload = json(ownClient.post("/api/generate", "{\"model\":\"llama3.2:1b\",\"keep_alive\":0}"));
            assertThat(unload.path("done").asBoolean()).isTrue();
            assertThat(unload.path("done_reason").asText()).isEqualTo("unload");
            assertThat(unload.path("response").asText()).isEmpty();
            assertThat(json(ownClient.get("/api/ps")).path("models")).isEmpty();

            JsonNode load = json(ownClient.post("/api/chat", "{\"model\":\"qwen3:0.6b\",\"messages\":[]}"));
            assertThat(load.path("done_reason").asText()).isEqualTo("load");
            assertThat(json(ownClient.get("/api/ps")).path("models").findValuesAsText("name"))
                    .containsExactly("qwen3:0.6b");

            JsonNode unloadChat = json(ownClient.post("/api/chat", "{\"model\":\"qwen3:0.6b\",\"keep_alive\":\"0s\"}"));
            assertThat(unloadChat.path("done_reason").asText()).isEqualTo("unload");
            assertThat(unloadChat.path("message").path("content").asText()).isEmpty();
            assertThat(json(ownClient.get("/api/ps")).path("models")).isEmpty();

            ownClient.post("/api/chat", """
                    {"model":"llama3.2:1b","keep_alive":"0","stream":false,
                     "messages":[{"role":"user","content":"x"}]}""");
            assertThat(json(ownClient.get("/api/ps")).path("models")).isEmpty();
        }
    }

    @Test
    void showDescribesTheModelAndReportsTheDigestOverride() {
        Simulator own = TestClient.startSimulator(SimulatorConfig.defaults());
        try (own) {
            var ownClient = new TestClient(own.baseUrl());
            JsonNode shown = json(ownClient.post("/api/show", "{\"model\":\"llama3.2:1b\"}"));
            assertThat(shown.path("details").path("family").asText()).isEqualTo("llama");
            assertThat(shown.path("model_info").path("general.architecture").asText())
                    .isEqualTo("llama");
            assertThat(shown.path("model_info").path("llama.context_length").asInt())
                    .isPositive();
            assertThat(shown.path("capabilities").toString()).contains("completion");
            String original = shown.path("digest").asText();
            assertThat(original).matches("[0-9a-f]{64}");

            String changed = "ab".repeat(32);
            own.setModelDigest("llama3.2:1b", changed);

            assertThat(json(ownClient.post("/api/show", "{\"model\":\"llama3.2:1b\"}"))
                            .path("digest")
                            .asText())
                    .isEqualTo(changed);
            assertThat(json(ownClient.get("/api/tags"))
                            .path("models")
                            .get(0)
                            .path("digest")
                            .asText())
                    .isEqualTo(changed);
            JsonNode embedModel = json(ownClient.post("/api/show", "{\"name\":\"nomic-embed-text\"}"));
            assertThat(embedModel.path("capabilities").get(0).asText()).isEqualTo("embedding");
        }
    }

    @Test
    void embedReturnsNormalisedDeterministicVectors() {
        JsonNode body = json(client.post("/api/embed", """
                {"model":"nomic-embed-text","input":["the quick brown fox","hello"]}"""));
        JsonNode again = json(client.post("/api/embed", """
                {"model":"nomic-embed-text","input":"the quick brown fox"}"""));

        assertThat(body.path("model").asText()).isEqualTo("nomic-embed-text");
        JsonNode vectors = body.path("embeddings");
        assertThat(vectors).hasSize(2);
        assertThat(vectors.get(0)).hasSize(768);
        assertThat(norm(vectors.get(0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(vectors.get(0)).isNotEqualTo(vectors.get(1));
        assertThat(again.path("embeddings").get(0)).isEqualTo(vectors.get(0));
        assertThat(body.path("prompt_eval_count").asInt()).isEqualTo(5);
        assertThat(body.path("total_duration").asLong()).isPositive();
        assertThat(body.path("load_duration").asLong()).isPositive();
    }

    @Test
    void embedHonoursDimensionsAndLegacyEmbeddingsUsesPrompt() {
        JsonNode small =
                json(client.post("/api/embed", "{\"model\":\"nomic-embed-text\",\"input\":\"x\",\"dimensions\":64}"));
        JsonNode legacy = json(client.post("/api/embeddings", "{\"model\":\"nomic-embed-text\",\"prompt\":\"hello\"}"));

        assertThat(small.path("embeddings").get(0)).hasSize(64);
        assertThat(norm(small.path("embeddings").get(0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(legacy.path("embedding")).hasSize(768);
    }

    @Test
    void unknownModelIsA404InOllamaShape() {
        for (String path : List.of("/api/chat", "/api/generate", "/api/embed")) {
            var response = client.post(
                    path,
                    "{\"model\":\"nope:7b\",\"prompt\":\"x\",\"input\":\"x\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(json(response).path("error").asText())
                    .isEqualTo("model \"nope:7b\" not found, try pulling it first");
        }
    }

    @Test
    void untaggedNamesMeanLatest() {
        var response = client.post("/api/embed", "{\"model\":\"nomic-embed-text:latest\",\"input\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("model").asText()).isEqualTo("nomic-embed-text:latest");
    }

    @Test
    void malformedJsonIsA400InOllamaShape() {
        var response = client.post("/api/chat", "{\"model\": \"llama3.2:1b\", ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("error").isTextual()).isTrue();
        assertThat(json(client.post("/api/chat", "{\"messages\":[]}"))
                        .path("error")
                        .asText())
                .isEqualTo("model is required");
        assertThat(client.post("/api/chat", "{\"model\":\"llama3.2:1b\",\"stream\":\"yes\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(client.post("/api/generate", "{\"model\":\"llama3.2:1b\",\"keep_alive\":\"soon\"}")
                        .statusCode())
                .isEqualTo(400);
    }

    /** The same Ollama request with streaming switched off. */
    private static String wholeVersionOf(String request) {
        return request.replaceFirst("\\{", "{\"stream\":false,");
    }

    private static double norm(JsonNode vector) {
        double squares = 0;
        for (JsonNode value : vector) {
            squares += value.asDouble() * value.asDouble();
        }
        return Math.sqrt(squares);
    }
}
