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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class OllamaToOpenAiTest {
    private static final String ID = "chatcmpl-7f3a";
    private static final long CREATED = 1_746_093_600L;

    private final ObjectMapper mapper = new ObjectMapper();
    private final OllamaToOpenAi translator = new OllamaToOpenAi(mapper);

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Compares as serialised JSON, so a long that fits an int equals the parsed int. */
    private JsonNode asWritten(JsonNode node) {
        return json(node.toString());
    }

    private ObjectNode chat(String ollama) {
        return translator.chatResponse(json(ollama), "assistant", ID, CREATED);
    }

    private static void assertBadResponse(ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE));
    }

    @Test
    void plainChatAnswer() {
        ObjectNode response = chat("""
                {"model":"llama3.2:3b","created_at":"2025-05-01T10:00:00.123456Z",
                 "message":{"role":"assistant","content":"Rayleigh scattering."},"done_reason":"stop","done":true,
                 "total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,
                 "prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000}""");

        assertThat(asWritten(response)).isEqualTo(json("""
                {"id":"chatcmpl-7f3a","object":"chat.completion","created":1746093600,"model":"assistant",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Rayleigh scattering."},
                   "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":26,"completion_tokens":282,"total_tokens":308}}"""));
        assertThat(response.has("system_fingerprint")).isFalse();
    }

    @Test
    void toolCallsGetStringArgumentsDeterministicIdsAndToolCallsFinish() {
        ObjectNode response = chat("""
                {"model":"qwen3:8b","created_at":"2025-05-01T10:00:00Z","message":{"role":"assistant","content":"",
                 "tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris","unit":"celsius"}}},
                   {"function":{"index":1,"name":"get_time","arguments":{}}}]},
                 "done_reason":"stop","done":true,"prompt_eval_count":180,"eval_count":41}""");

        assertThat(response.at("/choices/0/message")).isEqualTo(json("""
                {"role":"assistant","content":null,"tool_calls":[
                  {"id":"call_chatcmpl-7f3a_0","type":"function",
                   "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\",\\"unit\\":\\"celsius\\"}"}},
                  {"id":"call_chatcmpl-7f3a_1","type":"function","function":{"name":"get_time","arguments":"{}"}}]}"""));
        assertThat(response.at("/choices/0/finish_reason").textValue()).isEqualTo("tool_calls");
    }

    @Test
    void thinkingBecomesReasoningContent() {
        ObjectNode response = chat("""
                {"model":"qwen3:8b","message":{"role":"assistant","content":"4","thinking":"2 plus 2 is 4."},
                 "done_reason":"stop","done":true,"prompt_eval_count":12,"eval_count":30}""");

        assertThat(response.at("/choices/0/message/reasoning_content").textValue())
                .isEqualTo("2 plus 2 is 4.");
        assertThat(response.at("/choices/0/message/content").textValue()).isEqualTo("4");
    }

    @Test
    void finishReasonMapping() {
        assertThat(chat("""
                {"message":{"role":"assistant","content":"cut"},"done":true,"done_reason":"length"}""").at("/choices/0/finish_reason").textValue()).isEqualTo("length");
        assertThat(chat("""
                {"message":{"role":"assistant","content":""},"done":true,"done_reason":"unload"}""").at("/choices/0/finish_reason").textValue()).isEqualTo("stop");
        assertThat(chat("""
                {"message":{"role":"assistant","content":"x"},"done":true}""").at("/choices/0/finish_reason").textValue()).isEqualTo("stop");
    }

    @Test
    void missingCountsAreZeroInTheBodyButUnknownToUsageOf() {
        JsonNode ollama = json("""
                {"model":"m","message":{"role":"assistant","content":"hi"},"done":true,"done_reason":"stop"}""");

        assertThat(translator.chatResponse(ollama, "p", ID, CREATED).get("usage"))
                .isEqualTo(json("""
                {"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}"""));
        assertThat(translator.usageOf(ollama)).isEqualTo(TokenUsage.UNKNOWN);
    }

    @Test
    void usageOfReadsCountsAndTreatsAnOmittedCountAsZero() {
        assertThat(translator.usageOf(json("{\"prompt_eval_count\":26,\"eval_count\":282}")))
                .isEqualTo(new TokenUsage(26, 282));
        // A fully cached prompt makes Ollama omit prompt_eval_count.
        assertThat(translator.usageOf(json("{\"eval_count\":9}"))).isEqualTo(new TokenUsage(0, 9));
        assertThat(translator.usageOf(json("[]"))).isEqualTo(TokenUsage.UNKNOWN);
    }

    @Test
    void malformedChatRepliesAreBadResponses() {
        assertBadResponse(() -> chat("[1,2]"));
        assertBadResponse(() -> chat("\"ok\""));
        assertBadResponse(() -> chat("{\"model\":\"m\",\"done\":true}"));
        assertBadResponse(() -> chat("{\"message\":\"hello\"}"));
        assertBadResponse(() -> chat("{\"message\":{\"role\":\"assistant\",\"content\":5}}"));
        assertBadResponse(() -> chat("{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":{}}}"));
        assertBadResponse(() -> chat("""
                {"message":{"role":"assistant","content":"","tool_calls":[{"function":{"arguments":{}}}]}}"""));
        assertBadResponse(() -> translator.chatResponse(null, "p", ID, CREATED));
    }

    @Test
    void anErrorBodyIsReportedWithItsMessage() {
        assertThatThrownBy(() -> chat("{\"error\":\"model requires more system memory (5.1 GiB) than is available\"}"))
                .isInstanceOfSatisfying(PalisadeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE);
                    assertThat(e.getMessage()).contains("more system memory");
                });
    }

    @Test
    void completionAnswer() {
        ObjectNode response = translator.completionResponse(json("""
                {"model":"qwen2.5-coder:7b","created_at":"2025-05-01T10:00:00Z","response":"    return a + b",
                 "done":true,"done_reason":"stop","context":[1,2,3],"total_duration":1200000000,
                 "prompt_eval_count":14,"eval_count":7}"""), "coder", "cmpl-91", CREATED);

        assertThat(asWritten(response)).isEqualTo(json("""
                {"id":"cmpl-91","object":"text_completion","created":1746093600,"model":"coder",
                 "choices":[{"text":"    return a + b","index":0,"logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":14,"completion_tokens":7,"total_tokens":21}}"""));
    }

    @Test
    void completionWithoutResponseTextIsABadResponse() {
        assertBadResponse(() -> translator.completionResponse(json("""
                {"model":"m","done":true}"""), "p", "cmpl-1", CREATED));
        assertBadResponse(() -> translator.completionResponse(json("""
                {"model":"m","response":["a"],"done":true}"""), "p", "cmpl-1", CREATED));
    }

    @Test
    void embeddingsAsFloats() {
        ObjectNode response = translator.embeddingResponse(json("""
                {"model":"nomic-embed-text:v1.5","embeddings":[[0.010071029,-0.0017594862,0.05007221],
                 [0.5,0.25,-1.0]],"total_duration":14143917,"load_duration":1019500,"prompt_eval_count":8}"""), "embedder");

        assertThat(response).isEqualTo(json("""
                {"object":"list","data":[
                  {"object":"embedding","index":0,"embedding":[0.010071029,-0.0017594862,0.05007221]},
                  {"object":"embedding","index":1,"embedding":[0.5,0.25,-1.0]}],
                 "model":"embedder","usage":{"prompt_tokens":8,"total_tokens":8}}"""));
    }

    @Test
    void embeddingsAsLittleEndianFloat32Base64() {
        ObjectNode response = translator.embeddingResponse(json("""
                {"model":"e","embeddings":[[0.5,0.25,-1.0]],"prompt_eval_count":3}"""), "embedder", true);

        byte[] bytes =
                Base64.getDecoder().decode(response.at("/data/0/embedding").textValue());
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes).hasSize(12);
        assertThat(new float[] {buffer.getFloat(), buffer.getFloat(), buffer.getFloat()})
                .containsExactly(0.5f, 0.25f, -1.0f);
        // 0.5f little-endian is 00 00 00 3F: a known-answer check that the byte order is right.
        assertThat(response.at("/data/0/embedding").textValue()).startsWith("AAAAPwAAgD4AAIC/");
    }

    @Test
    void malformedEmbeddingRepliesAreBadResponses() {
        assertBadResponse(() -> translator.embeddingResponse(json("{\"model\":\"e\"}"), "p"));
        assertBadResponse(() -> translator.embeddingResponse(json("{\"embeddings\":[\"x\"]}"), "p"));
        assertBadResponse(() -> translator.embeddingResponse(json("{\"embeddings\":[[0.1,\"x\"]]}"), "p", true));
        assertBadResponse(() -> translator.embeddingResponse(json("{\"error\":\"input length exceeds\"}"), "p"));
    }

    @Test
    void theOllamaReplyIsNotModified() {
        JsonNode ollama = json("""
                {"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]},
                 "done":true}""");
        JsonNode before = ollama.deepCopy();

        chat(ollama.toString());
        translator.chatResponse(ollama, "p", ID, CREATED);

        assertThat(ollama).isEqualTo(before);
    }
}
