package io.palisade.upstream.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** An answer's tool calls, replayed by the client in its next request, reach Ollama as Ollama sent them. */
class ToolCallRoundTripTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void toolCallsSurviveTheRoundTripAndResultsAreNamed() {
        JsonNode ollamaAnswer = json("""
                {"model":"qwen3:8b","message":{"role":"assistant","content":"","thinking":"Need the weather.",
                 "tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris","days":[1,2],"metric":true}}}]},
                 "done":true,"done_reason":"stop","prompt_eval_count":90,"eval_count":20}""");
        ObjectNode openAiAnswer = new OllamaToOpenAi(mapper).chatResponse(ollamaAnswer, "assistant", "chatcmpl-r", 1L);

        ObjectNode nextRequest = mapper.createObjectNode().put("model", "assistant");
        nextRequest
                .putArray("messages")
                .add(json("{\"role\":\"user\",\"content\":\"Weather in Paris?\"}"))
                .add(openAiAnswer.at("/choices/0/message"))
                .add(mapper.createObjectNode()
                        .put("role", "tool")
                        .put(
                                "tool_call_id",
                                openAiAnswer
                                        .at("/choices/0/message/tool_calls/0/id")
                                        .textValue())
                        .put("content", "{\"temp\":18}"));
        ObjectNode ollamaRequest = new OpenAiToOllama(mapper).chatRequest(nextRequest, "qwen3:8b");

        JsonNode replayed = ollamaRequest.at("/messages/1");
        assertThat(replayed.at("/tool_calls/0/function")).isEqualTo(ollamaAnswer.at("/message/tool_calls/0/function"));
        assertThat(replayed.at("/thinking").textValue()).isEqualTo("Need the weather.");
        assertThat(replayed.at("/content").textValue()).isEmpty();
        assertThat(ollamaRequest.at("/messages/2/tool_name").textValue()).isEqualTo("get_weather");
        assertThat(ollamaRequest.at("/messages/2/content").textValue()).isEqualTo("{\"temp\":18}");
    }
}
