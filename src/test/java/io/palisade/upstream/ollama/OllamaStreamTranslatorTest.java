package io.palisade.upstream.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.usage.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaStreamTranslatorTest {
    private static final String ID = "chatcmpl-s1";
    private static final long CREATED = 1_746_093_600L;

    private static final String CHAT_STREAM = """
            {"model":"llama3.2:3b","created_at":"2025-05-01T10:00:00.100Z","message":{"role":"assistant","content":"The"},"done":false}
            {"model":"llama3.2:3b","created_at":"2025-05-01T10:00:00.140Z","message":{"role":"assistant","content":" sky"},"done":false}
            {"model":"llama3.2:3b","created_at":"2025-05-01T10:00:00.180Z","message":{"role":"assistant","content":""},"done_reason":"stop","done":true,"total_duration":801326458,"load_duration":20136625,"prompt_eval_count":26,"prompt_eval_duration":130000000,"eval_count":2,"eval_duration":60000000}
            """;

    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private OllamaStreamTranslator translator(OllamaStreamTranslator.Kind kind, boolean includeUsage) {
        return new OllamaStreamTranslator(mapper, kind, "assistant", ID, CREATED, includeUsage);
    }

    /** Feeds NDJSON lines and returns every chunk as written JSON, so longs compare with parsed ints. */
    private List<JsonNode> feed(OllamaStreamTranslator translator, String ndjson) {
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : ndjson.strip().split("\n")) {
            translator.onLine(json(line)).forEach(chunk -> chunks.add(json(chunk.toString())));
        }
        return chunks;
    }

    @Test
    void chatStreamOpensWithRoleThenContentThenFinish() {
        OllamaStreamTranslator translator = translator(OllamaStreamTranslator.Kind.CHAT, false);

        List<JsonNode> chunks = feed(translator, CHAT_STREAM);

        assertThat(chunks).containsExactly(json("""
                        {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1746093600,"model":"assistant",
                         "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"""), json("""
                        {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1746093600,"model":"assistant",
                         "choices":[{"index":0,"delta":{"content":"The"},"logprobs":null,"finish_reason":null}]}"""), json("""
                        {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1746093600,"model":"assistant",
                         "choices":[{"index":0,"delta":{"content":" sky"},"logprobs":null,"finish_reason":null}]}"""), json("""
                        {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1746093600,"model":"assistant",
                         "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"""));
        assertThat(translator.finished()).isTrue();
        assertThat(translator.usage()).isEqualTo(new TokenUsage(26, 2));
    }

    @Test
    void usageChunkComesLastAndOnlyWhenAsked() {
        List<JsonNode> chunks = feed(translator(OllamaStreamTranslator.Kind.CHAT, true), CHAT_STREAM);

        assertThat(chunks).hasSize(5);
        assertThat(chunks.subList(0, 4))
                .allSatisfy(chunk -> assertThat(chunk.get("usage").isNull()).isTrue());
        assertThat(chunks.get(4)).isEqualTo(json("""
                {"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1746093600,"model":"assistant",
                 "choices":[],"usage":{"prompt_tokens":26,"completion_tokens":2,"total_tokens":28}}"""));
    }

    @Test
    void withoutUsageRequestedNoChunkHasAUsageField() {
        List<JsonNode> chunks = feed(translator(OllamaStreamTranslator.Kind.CHAT, false), CHAT_STREAM);

        assertThat(chunks).noneSatisfy(chunk -> assertThat(chunk.has("usage")).isTrue());
    }

    @Test
    void thinkingStreamsAsReasoningContentAndLengthFinishIsKept() {
        List<JsonNode> chunks = feed(translator(OllamaStreamTranslator.Kind.CHAT, false), """
                {"model":"qwen3:8b","created_at":"2025-05-01T10:00:00Z","message":{"role":"assistant","content":"","thinking":"Two plus"},"done":false}
                {"model":"qwen3:8b","created_at":"2025-05-01T10:00:01Z","message":{"role":"assistant","content":"","thinking":" two."},"done":false}
                {"model":"qwen3:8b","created_at":"2025-05-01T10:00:02Z","message":{"role":"assistant","content":"4"},"done":false}
                {"model":"qwen3:8b","created_at":"2025-05-01T10:00:03Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"length","prompt_eval_count":12,"eval_count":64}
                """);

        assertThat(chunks)
                .extracting(chunk -> chunk.at("/choices/0/delta").toString())
                .containsExactly(
                        "{\"role\":\"assistant\",\"content\":\"\"}",
                        "{\"reasoning_content\":\"Two plus\"}",
                        "{\"reasoning_content\":\" two.\"}",
                        "{\"content\":\"4\"}",
                        "{}");
        assertThat(chunks.get(4).at("/choices/0/finish_reason").textValue()).isEqualTo("length");
    }

    @Test
    void toolCallsStreamWithIndexIdAndStringArgumentsAndFinishAsToolCalls() {
        List<JsonNode> chunks = feed(translator(OllamaStreamTranslator.Kind.CHAT, false), """
                {"model":"qwen3:8b","created_at":"2025-05-01T10:00:00Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},"done":false}
                {"model":"qwen3:8b","created_at":"2025-05-01T10:00:01Z","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_time","arguments":{"zone":"CET"}}}]},"done":false}
                {"model":"qwen3:8b","created_at":"2025-05-01T10:00:02Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":180,"eval_count":41}
                """);

        assertThat(chunks).hasSize(4);
        assertThat(chunks.get(1).at("/choices/0/delta")).isEqualTo(json("""
                {"tool_calls":[{"index":0,"id":"call_chatcmpl-s1_0","type":"function",
                  "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]}"""));
        assertThat(chunks.get(2).at("/choices/0/delta/tool_calls/0/index").intValue())
                .isEqualTo(1);
        assertThat(chunks.get(2).at("/choices/0/delta/tool_calls/0/id").textValue())
                .isEqualTo("call_chatcmpl-s1_1");
        assertThat(chunks.get(3).at("/choices/0/finish_reason").textValue()).isEqualTo("tool_calls");
    }

    @Test
    void completionStreamHasNoRoleChunkAndEndsWithEmptyTextAndFinishReason() {
        OllamaStreamTranslator translator = translator(OllamaStreamTranslator.Kind.COMPLETION, true);

        List<JsonNode> chunks = feed(translator, """
                {"model":"qwen2.5-coder:7b","created_at":"2025-05-01T10:00:00Z","response":"    return","done":false}
                {"model":"qwen2.5-coder:7b","created_at":"2025-05-01T10:00:00Z","response":"","thinking":"hmm","done":false}
                {"model":"qwen2.5-coder:7b","created_at":"2025-05-01T10:00:01Z","response":" a + b","done":false}
                {"model":"qwen2.5-coder:7b","created_at":"2025-05-01T10:00:02Z","response":"","done":true,"done_reason":"length","context":[1,2,3],"prompt_eval_count":14,"eval_count":2}
                """);

        assertThat(chunks).containsExactly(json("""
                        {"id":"chatcmpl-s1","object":"text_completion","created":1746093600,"model":"assistant",
                         "choices":[{"text":"    return","index":0,"logprobs":null,"finish_reason":null}],"usage":null}"""), json("""
                        {"id":"chatcmpl-s1","object":"text_completion","created":1746093600,"model":"assistant",
                         "choices":[{"text":" a + b","index":0,"logprobs":null,"finish_reason":null}],"usage":null}"""), json("""
                        {"id":"chatcmpl-s1","object":"text_completion","created":1746093600,"model":"assistant",
                         "choices":[{"text":"","index":0,"logprobs":null,"finish_reason":"length"}],"usage":null}"""), json("""
                        {"id":"chatcmpl-s1","object":"text_completion","created":1746093600,"model":"assistant",
                         "choices":[],"usage":{"prompt_tokens":14,"completion_tokens":2,"total_tokens":16}}"""));
        assertThat(translator.usage()).isEqualTo(new TokenUsage(14, 2));
    }

    @Test
    void anErrorLineFailsWithTheBackendMessageTruncated() {
        OllamaStreamTranslator translator = translator(OllamaStreamTranslator.Kind.CHAT, false);
        feed(translator, """
                {"model":"m","created_at":"2025-05-01T10:00:00Z","message":{"role":"assistant","content":"Hel"},"done":false}
                """);
        String longMessage = "an error was encountered while running the model: " + "x".repeat(400);

        assertThatThrownBy(() -> translator.onLine(mapper.createObjectNode().put("error", longMessage)))
                .isInstanceOfSatisfying(PalisadeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE);
                    assertThat(e.getMessage())
                            .startsWith("backend reported an error mid-stream: an error was encountered")
                            .hasSizeLessThanOrEqualTo("backend reported an error mid-stream: ".length() + 201);
                });
        assertThat(translator.finished()).isFalse();
    }

    @Test
    void malformedLinesAreBadResponses() {
        assertThatThrownBy(() ->
                        translator(OllamaStreamTranslator.Kind.CHAT, false).onLine(json("[]")))
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE));
        assertThatThrownBy(() -> translator(OllamaStreamTranslator.Kind.CHAT, false)
                        .onLine(json("{\"model\":\"m\",\"done\":false}")))
                .isInstanceOf(PalisadeException.class);
        assertThatThrownBy(() -> translator(OllamaStreamTranslator.Kind.COMPLETION, false)
                        .onLine(json("{\"model\":\"m\",\"message\":{\"content\":\"x\"},\"done\":false}")))
                .isInstanceOf(PalisadeException.class);
    }

    @Test
    void beforeDoneUsageIsUnknownAndLinesAfterDoneAreIgnored() {
        OllamaStreamTranslator translator = translator(OllamaStreamTranslator.Kind.CHAT, false);
        translator.onLine(json("""
                {"model":"m","message":{"role":"assistant","content":"Hi"},"done":false}"""));
        assertThat(translator.usage()).isEqualTo(TokenUsage.UNKNOWN);
        assertThat(translator.finished()).isFalse();

        translator.onLine(json("""
                {"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}"""));

        assertThat(translator.finished()).isTrue();
        assertThat(translator.usage()).isEqualTo(TokenUsage.UNKNOWN);
        assertThat(translator.onLine(json("{\"model\":\"m\",\"message\":{\"content\":\"late\"},\"done\":false}")))
                .isEmpty();
    }

    @Test
    void aStreamThatEndsAtOnceStillOpensWithTheRoleChunk() {
        List<ObjectNode> chunks =
                translator(OllamaStreamTranslator.Kind.CHAT, false).onLine(json("""
                {"model":"m","message":{"role":"assistant","content":"Done."},"done":true,"done_reason":"stop",
                 "prompt_eval_count":5,"eval_count":2}"""));

        assertThat(chunks)
                .extracting(chunk -> chunk.at("/choices/0/delta").toString())
                .containsExactly("{\"role\":\"assistant\",\"content\":\"\"}", "{\"content\":\"Done.\"}", "{}");
    }
}
