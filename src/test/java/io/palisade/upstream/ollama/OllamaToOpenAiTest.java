package io.palisade.upstream.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;
import io.palisade.upstream.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaToOpenAiTest {
    private final ObjectMapper json = new ObjectMapper();
    private final OllamaToOpenAi translator = new OllamaToOpenAi(json);

    @Test
    void chatAnswerWithThinkingToolCallsAndUsage() throws Exception {
        ObjectNode body = translator.chatResponse(node("""
                {"model":"qwen3:0.6b","created_at":"2026-11-23T00:00:00Z","done":true,"done_reason":"stop",
                 "message":{"role":"assistant","content":"","thinking":"let me see",
                   "tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Oslo"}}}]},
                 "prompt_eval_count":12,"eval_count":7}"""), "public", "chatcmpl-r1", 1700000000);
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("public");
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.path("message").path("reasoning_content").asText()).isEqualTo("let me see");
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("id").asText()).isEqualTo("call_chatcmpl-r1_0");
        assertThat(node(call.path("function").path("arguments").asText()).path("city").asText()).isEqualTo("Oslo");
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(19);
        assertThat(translator.usageOf(node("{\"prompt_eval_count\":12,\"eval_count\":7}"))).isEqualTo(new TokenUsage(12, 7));
        assertThat(translator.usageOf(node("{}")).known()).isFalse();
    }

    @Test
    void lengthCompletionAndEmbeddings() throws Exception {
        ObjectNode completion = translator.completionResponse(node(
                "{\"response\":\"and then\",\"done\":true,\"done_reason\":\"length\",\"prompt_eval_count\":2,\"eval_count\":2}"),
                "m", "cmpl-1", 1);
        assertThat(completion.path("choices").get(0).path("text").asText()).isEqualTo("and then");
        assertThat(completion.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");

        ObjectNode embeddings = translator.embeddingResponse(node("{\"embeddings\":[[0.5,1.0],[0.0,-1.0]],\"prompt_eval_count\":4}"),
                "emb", false);
        assertThat(embeddings.path("data").get(1).path("index").asInt()).isEqualTo(1);
        assertThat(embeddings.path("data").get(1).path("embedding").get(1).asDouble()).isEqualTo(-1.0);
        assertThat(embeddings.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
        String encoded = translator.embeddingResponse(node("{\"embeddings\":[[1.0]]}"), "emb", true)
                .path("data").get(0).path("embedding").asText();
        assertThat(java.util.Base64.getDecoder().decode(encoded)).containsExactly(0, 0, -128, 63);
    }

    @Test
    void answersWithoutTheExpectedShapeAre502() {
        assertThatThrownBy(() -> translator.chatResponse(node("{\"done\":true}"), "m", "id", 1))
                .isInstanceOfSatisfying(PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE));
        assertThatThrownBy(() -> translator.completionResponse(node("[]"), "m", "id", 1)).isInstanceOf(PalisadeException.class);
        assertThatThrownBy(() -> translator.embeddingResponse(node("{\"embedding\":[1]}"), "m", false)).isInstanceOf(PalisadeException.class);
    }

    @Test
    void streamRoleFirstThenDeltasThenFinishThenUsageWhenAsked() throws Exception {
        OllamaStreamTranslator stream = new OllamaStreamTranslator(json, OllamaStreamTranslator.Kind.CHAT, "public", "chatcmpl-s", 5, true);
        List<ObjectNode> chunks = new ArrayList<>();
        chunks.addAll(stream.onLine(node("{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"hmm\"},\"done\":false}")));
        chunks.addAll(stream.onLine(node("{\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}")));
        chunks.addAll(stream.onLine(node("{\"message\":{\"role\":\"assistant\",\"content\":\"lo\"},\"done\":false}")));
        assertThat(stream.finished()).isFalse();
        chunks.addAll(stream.onLine(node("{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                + "\"done_reason\":\"stop\",\"prompt_eval_count\":3,\"eval_count\":2}")));
        assertThat(chunks).hasSize(6);
        assertThat(chunks.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(chunks.get(1).path("choices").get(0).path("delta").path("reasoning_content").asText()).isEqualTo("hmm");
        assertThat(chunks.get(2).path("choices").get(0).path("delta").path("content").asText()).isEqualTo("Hel");
        assertThat(chunks.get(3).path("choices").get(0).path("delta").path("content").asText()).isEqualTo("lo");
        assertThat(chunks.get(4).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.get(5).path("choices").isEmpty()).isTrue();
        assertThat(chunks.get(5).path("usage").path("completion_tokens").asInt()).isEqualTo(2);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.path("model").asText()).isEqualTo("public");
        });
        assertThat(stream.finished()).isTrue();
        assertThat(stream.usage()).isEqualTo(new TokenUsage(3, 2));
    }

    @Test
    void streamWithoutUsageRequestAndCompletionKindAndErrors() throws Exception {
        OllamaStreamTranslator chat = new OllamaStreamTranslator(json, OllamaStreamTranslator.Kind.CHAT, "m", "id", 1, false);
        chat.onLine(node("{\"message\":{\"content\":\"x\"},\"done\":false}"));
        List<ObjectNode> end = chat.onLine(node("{\"message\":{\"content\":\"\"},\"done\":true,\"done_reason\":\"length\",\"eval_count\":1}"));
        assertThat(end).hasSize(1);
        assertThat(end.get(0).path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");

        OllamaStreamTranslator completion = new OllamaStreamTranslator(json, OllamaStreamTranslator.Kind.COMPLETION, "m", "id", 1, false);
        List<ObjectNode> chunks = completion.onLine(node("{\"response\":\"Once\",\"done\":false}"));
        assertThat(chunks.get(0).path("object").asText()).isEqualTo("text_completion");
        assertThat(chunks.get(0).path("choices").get(0).path("text").asText()).isEqualTo("Once");

        OllamaStreamTranslator failing = new OllamaStreamTranslator(json, OllamaStreamTranslator.Kind.CHAT, "m", "id", 1, false);
        assertThatThrownBy(() -> failing.onLine(node("{\"error\":\"model runner has unexpectedly stopped\"}")))
                .isInstanceOf(PalisadeException.class).hasMessageContaining("unexpectedly stopped");
    }

    private JsonNode node(String text) throws Exception {
        return json.readTree(text);
    }
}
