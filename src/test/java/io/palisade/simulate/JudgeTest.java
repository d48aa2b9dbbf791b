package io.palisade.simulate;

import static io.palisade.simulate.TestClient.json;
import static io.palisade.simulate.TestClient.ndjson;
import static io.palisade.simulate.TestClient.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JudgeTest {
    private static final Pattern FENCED_JSON = Pattern.compile("(?s)Here is my assessment:\n```json\n(\\{.*})\n```");
    private static final String GOOD_ANSWER = "Run PALISADE keys   rotate; the old key works for a grace period.";
    private static final String PARTIAL_ANSWER = "Run palisade keys rotate.";

    private static Simulator simulator;
    private static TestClient client;
    private final SimulatedTokenizer tokenizer = new SimulatedTokenizer();

    @BeforeAll
    static void start() {
        simulator = TestClient.startSimulator(SimulatorConfig.defaults()
                .withModels(List.of(
                        "strict-judge", "lenient-judge", "harsh-judge", "flaky-judge", "broken-judge", "llama3.2:1b"))
                .withJudgeModes(Map.of(
                        "strict-judge", JudgeMode.STRICT,
                        "lenient-judge", JudgeMode.LENIENT,
                        "harsh-judge", JudgeMode.HARSH,
                        "flaky-judge", JudgeMode.MALFORMED_FIRST,
                        "broken-judge", JudgeMode.MALFORMED_ALWAYS)));
        client = new TestClient(simulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void strictPassesOnlyWhenEveryKeyPointIsPresent() {
        JsonNode pass = verdict(structuredContent("strict-judge", gradingPrompt("Q1", GOOD_ANSWER)));
        JsonNode partial = verdict(structuredContent("strict-judge", gradingPrompt("Q1", PARTIAL_ANSWER)));

        assertThat(pass.path("verdict").asText()).isEqualTo("pass");
        assertThat(pass.path("score").asDouble()).isEqualTo(1.0);
        assertThat(partial.path("verdict").asText()).isEqualTo("fail");
        assertThat(partial.path("score").asDouble()).isEqualTo(0.5);
        assertThat(partial.path("reason").asText()).contains("the old key works for a grace period");
    }

    @Test
    void structuredOutputIsExactlyTheVerdictObject() {
        String content = structuredContent("strict-judge", gradingPrompt("Q2", GOOD_ANSWER));

        assertThat(content)
                .startsWith("{\"verdict\":\"pass\",\"score\":1.0,\"reason\":\"")
                .endsWith("\"}");
        assertThat(json(content).properties()).hasSize(3);
    }

    @Test
    void withoutStructuredOutputTheVerdictComesChattyInACodeFence() {
        JsonNode body = json(client.post(
                "/api/chat",
                chat("strict-judge", gradingPrompt("Q3", GOOD_ANSWER))
                        .put("stream", false)
                        .toString()));
        String content = body.path("message").path("content").asText();

        Matcher fenced = FENCED_JSON.matcher(content);
        assertThat(fenced.matches()).as(content).isTrue();
        assertThat(verdict(fenced.group(1)).path("verdict").asText()).isEqualTo("pass");
        assertThat(body.path("eval_count").asInt()).isEqualTo(tokenizer.count(content));
    }

    @Test
    void lenientAlwaysPassesAndHarshAlwaysFails() {
        JsonNode lenient = verdict(structuredContent("lenient-judge", gradingPrompt("Q4", "No idea.")));
        JsonNode harsh = verdict(structuredContent("harsh-judge", gradingPrompt("Q4", GOOD_ANSWER)));

        assertThat(lenient.path("verdict").asText()).isEqualTo("pass");
        assertThat(lenient.path("score").asDouble()).isEqualTo(1.0);
        assertThat(harsh.path("verdict").asText()).isEqualTo("fail");
        assertThat(harsh.path("score").asDouble()).isEqualTo(0.0);
    }

    @Test
    void malformedFirstIsUnreadableOncePerPairThenStrict() {
        String first = structuredContent("flaky-judge", gradingPrompt("Q5", GOOD_ANSWER));
        String second = structuredContent("flaky-judge", gradingPrompt("Q5", GOOD_ANSWER));
        String otherAnswer = structuredContent("flaky-judge", gradingPrompt("Q5", PARTIAL_ANSWER));
        String otherAnswerAgain = structuredContent("flaky-judge", gradingPrompt("Q5", PARTIAL_ANSWER));

        assertUnreadable(first);
        assertThat(verdict(second).path("verdict").asText()).isEqualTo("pass");
        assertUnreadable(otherAnswer);
        assertThat(verdict(otherAnswerAgain).path("verdict").asText()).isEqualTo("fail");
    }

    @Test
    void malformedAlwaysNeverGivesAReadableVerdictAndUsesBothMalformedShapes() {
        List<String> contents = IntStream.range(0, 12)
                .mapToObj(repeat -> structuredContent("broken-judge", gradingPrompt("Q6", GOOD_ANSWER)))
                .toList();

        assertThat(contents).allSatisfy(JudgeTest::assertUnreadable);
        assertThat(contents).anySatisfy(content -> assertThat(content).startsWith("Sure! The verdict is"));
        assertThat(contents).anySatisfy(content -> assertThat(content).startsWith("{\"verdict\":"));
    }

    @Test
    void openAiJudgesWithResponseFormatAndWithoutStreamedOrNot() {
        ObjectNode structured = chat("strict-judge", gradingPrompt("Q7", GOOD_ANSWER));
        structured
                .putObject("response_format")
                .put("type", "json_schema")
                .putObject("json_schema")
                .put("name", "verdict")
                .putObject("schema")
                .put("type", "object");

        JsonNode whole = json(client.post("/v1/chat/completions", structured.toString()));
        String wholeContent =
                whole.path("choices").get(0).path("message").path("content").asText();
        String streamed =
                sseData(client.post(
                                        "/v1/chat/completions",
                                        structured.put("stream", true).toString())
                                .body())
                        .stream()
                        .filter(chunk -> !chunk.equals("[DONE]"))
                        .map(chunk -> json(chunk)
                                .path("choices")
                                .path(0)
                                .path("delta")
                                .path("content")
                                .asText(""))
                        .collect(Collectors.joining());
        String chatty = json(client.post(
                        "/v1/chat/completions",
                        chat("strict-judge", gradingPrompt("Q7", GOOD_ANSWER)).toString()))
                .path("choices")
                .get(0)
                .path("message")
                .path("content")
                .asText();

        assertThat(verdict(wholeContent).path("verdict").asText()).isEqualTo("pass");
        assertThat(whole.path("usage").path("completion_tokens").asInt()).isEqualTo(tokenizer.count(wholeContent));
        assertThat(streamed).isEqualTo(wholeContent);
        assertThat(chatty).matches(FENCED_JSON);
    }

    @Test
    void ollamaStreamedVerdictAddsUpAndFormatSchemaCountsAsStructured() {
        ObjectNode request = chat("strict-judge", gradingPrompt("Q8", PARTIAL_ANSWER));
        request.putObject("format").put("type", "object");

        String streamed = ndjson(client.post("/api/chat", request.toString()).body()).stream()
                .map(line -> line.path("message").path("content").asText(""))
                .collect(Collectors.joining());

        assertThat(verdict(streamed).path("score").asDouble()).isEqualTo(0.5);
    }

    @Test
    void generateAndCompletionsGradeThePromptToo() {
        ObjectNode generate = TestClient.MAPPER
                .createObjectNode()
                .put("model", "harsh-judge")
                .put("prompt", gradingPrompt("Q9", GOOD_ANSWER))
                .put("format", "json")
                .put("stream", false);
        ObjectNode completion = TestClient.MAPPER
                .createObjectNode()
                .put("model", "lenient-judge")
                .put("prompt", gradingPrompt("Q9", GOOD_ANSWER));

        String generated = json(client.post("/api/generate", generate.toString()))
                .path("response")
                .asText();
        String completed = json(client.post("/v1/completions", completion.toString()))
                .path("choices")
                .get(0)
                .path("text")
                .asText();

        assertThat(verdict(generated).path("verdict").asText()).isEqualTo("fail");
        assertThat(completed).matches(FENCED_JSON);
    }

    @Test
    void aJudgeAnswersOtherPromptsNormallyAndOtherModelsDoNotJudge() {
        String plain = json(client.post(
                        "/api/chat",
                        chat("strict-judge", "Hello there").put("stream", false).toString()))
                .path("message")
                .path("content")
                .asText();
        String notAJudge = structuredContent("llama3.2:1b", gradingPrompt("Q10", GOOD_ANSWER));

        assertThat(plain).startsWith("Simulated answer to: Hello there.");
        assertThat(json(notAJudge).path("answer").asText()).startsWith("Simulated answer to:");
    }

    @Test
    void judgeModelsHaveAFamilyLikeAnyOtherModel() {
        JsonNode shown = json(client.post("/api/show", "{\"model\":\"strict-judge\"}"));
        JsonNode tags = json(client.get("/api/tags")).path("models");

        assertThat(shown.path("details").path("family").asText()).isEqualTo("strict");
        assertThat(tags.get(0).path("details").path("family").asText()).isEqualTo("strict");
    }

    private static void assertUnreadable(String content) {
        // A verdict object needs its closing brace; neither malformed shape has one.
        assertThat(content).doesNotContain("}").doesNotContain("```");
    }

    private static String structuredContent(String model, String prompt) {
        return json(client.post(
                        "/api/chat",
                        chat(model, prompt)
                                .put("format", "json")
                                .put("stream", false)
                                .toString()))
                .path("message")
                .path("content")
                .asText();
    }

    private static JsonNode verdict(String content) {
        JsonNode verdict = json(content);
        assertThat(verdict.path("verdict").asText()).isIn("pass", "fail");
        assertThat(verdict.path("score").isNumber()).isTrue();
        assertThat(verdict.path("reason").asText()).isNotBlank();
        return verdict;
    }

    private static String gradingPrompt(String question, String answer) {
        return """
                You are a strict grader. Compare the answer with the key points and reply with a JSON verdict.
                ### Question
                %s: how do I rotate a key?
                ### Expected key points
                - palisade keys rotate
                - the old key works for a grace period
                ### Reference answer
                (none)
                ### Answer to grade
                %s
                """.formatted(question, answer);
    }

    private static ObjectNode chat(String model, String content) {
        ObjectNode body = TestClient.MAPPER.createObjectNode().put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        return body;
    }
}
