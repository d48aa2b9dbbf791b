package io.palisade.upstream.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;
import org.junit.jupiter.api.Test;

class OpenAiToOllamaTest {
    private final ObjectMapper json = new ObjectMapper();
    private final OpenAiToOllama translator = new OpenAiToOllama(json);

    @Test
    void chatMapsSamplingFieldsIntoOptionsAndKeepsOllamaFields() throws Exception {
        ObjectNode out = translator.chatRequest(request("""
                {"model":"public","messages":[{"role":"developer","content":"be brief"},{"role":"user","content":"hi"}],
                 "temperature":0.1,"top_p":0.9,"seed":7,"stop":"END","max_tokens":50,"presence_penalty":0.5,
                 "options":{"num_ctx":8192,"temperature":0.9},"think":false,"keep_alive":"10m","stream":true}"""), "llama3.2:1b");
        assertThat(out.path("model").asText()).isEqualTo("llama3.2:1b");
        assertThat(out.path("stream").asBoolean()).isTrue();
        assertThat(out.path("messages").get(0).path("role").asText()).isEqualTo("system");
        JsonNode options = out.path("options");
        assertThat(options.path("temperature").asDouble()).as("top-level field wins").isEqualTo(0.1);
        assertThat(options.path("num_ctx").asInt()).isEqualTo(8192);
        assertThat(options.path("num_predict").asInt()).isEqualTo(50);
        assertThat(options.path("seed").asInt()).isEqualTo(7);
        assertThat(options.path("stop").get(0).asText()).isEqualTo("END");
        assertThat(options.path("presence_penalty").asDouble()).isEqualTo(0.5);
        assertThat(out.path("think").asBoolean(true)).isFalse();
        assertThat(out.path("keep_alive").asText()).isEqualTo("10m");
        assertThat(out.has("temperature")).isFalse();
    }

    @Test
    void unknownFieldsPassThroughAndOpenAiOnlyFieldsDoNot() throws Exception {
        ObjectNode out = translator.chatRequest(request("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"user":"u1","logit_bias":{},"tool_choice":"auto",
                 "stream_options":{"include_usage":true},"n":1,"mirostat":2}"""), "m");
        assertThat(out.path("mirostat").asInt()).isEqualTo(2);
        for (String dropped : new String[] {"user", "logit_bias", "tool_choice", "stream_options", "n"}) {
            assertThat(out.has(dropped)).as(dropped).isFalse();
        }
    }

    @Test
    void contentPartsImagesAndToolCallsTranslate() throws Exception {
        ObjectNode out = translator.chatRequest(request("""
                {"model":"m","messages":[
                  {"role":"user","content":[{"type":"text","text":"what is this?"},
                                            {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0K"}}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"sunny"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"""), "m");
        JsonNode messages = out.path("messages");
        assertThat(messages.get(0).path("content").asText()).isEqualTo("what is this?");
        assertThat(messages.get(0).path("images").get(0).asText()).isEqualTo("iVBORw0K");
        assertThat(messages.get(1).path("content").asText()).isEmpty();
        assertThat(messages.get(1).path("tool_calls").get(0).path("function").path("arguments").path("city").asText()).isEqualTo("Oslo");
        assertThat(messages.get(2).path("tool_name").asText()).isEqualTo("get_weather");
        assertThat(out.path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
    }

    @Test
    void responseFormatAndReasoningEffort() throws Exception {
        assertThat(translator.chatRequest(request("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"response_format\":{\"type\":\"json_object\"}}"), "m").path("format").asText()).isEqualTo("json");
        JsonNode schema = translator.chatRequest(request("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"type\":\"object\"}}}}"), "m")
                .path("format");
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(translator.chatRequest(request("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"response_format\":{\"type\":\"text\"}}"), "m").has("format")).isFalse();
        assertThat(translator.chatRequest(request("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"reasoning_effort\":\"none\"}"), "m").path("think").asBoolean(true)).isFalse();
        assertThat(translator.chatRequest(request("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"reasoning_effort\":\"high\"}"), "m").path("think").asText()).isEqualTo("high");
    }

    @Test
    void whatOllamaCannotDoIsA400NamingTheField() {
        assertInvalid("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}", "n");
        assertInvalid("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":"
                + "\"https://example.com/cat.png\"}}]}]}", "messages[0].content[0].image_url");
        assertInvalid("{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":\"{oops\"}}]}]}",
                "messages[0].tool_calls[0].function.arguments");
        assertInvalid("{\"messages\":[{\"content\":\"x\"}]}", "messages[0].role");
        assertInvalid("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"xml\"}}", "response_format");
    }

    @Test
    void completionAndEmbeddingRequests() throws Exception {
        ObjectNode completion = translator.completionRequest(request("{\"prompt\":[\"Once\"],\"suffix\":\"end\",\"max_tokens\":3}"), "m");
        assertThat(completion.path("prompt").asText()).isEqualTo("Once");
        assertThat(completion.path("suffix").asText()).isEqualTo("end");
        assertThat(completion.path("options").path("num_predict").asInt()).isEqualTo(3);
        assertThat(completion.path("stream").asBoolean(true)).isFalse();
        assertThatThrownBy(() -> translator.completionRequest(request("{\"prompt\":[\"a\",\"b\"]}"), "m"))
                .isInstanceOf(PalisadeException.class).hasMessageContaining("one prompt");

        ObjectNode embedding = translator.embeddingRequest(request("{\"input\":[\"a\",\"b\"],\"dimensions\":64,"
                + "\"encoding_format\":\"float\",\"keep_alive\":0}"), "nomic");
        assertThat(embedding.path("input").size()).isEqualTo(2);
        assertThat(embedding.path("dimensions").asInt()).isEqualTo(64);
        assertThat(embedding.path("keep_alive").asInt()).isZero();
        assertThat(embedding.has("encoding_format")).isFalse();
        assertThat(embedding.has("stream")).isFalse();
        assertThatThrownBy(() -> translator.embeddingRequest(request("{\"input\":[[1,2,3]]}"), "m"))
                .isInstanceOf(PalisadeException.class).hasMessageContaining("token arrays");
    }

    private void assertInvalid(String body, String param) {
        assertThatThrownBy(() -> translator.chatRequest(request(body), "m"))
                .isInstanceOfSatisfying(PalisadeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.param()).isEqualTo(param);
                });
    }

    private ObjectNode request(String body) throws Exception {
        return (ObjectNode) json.readTree(body);
    }
}
