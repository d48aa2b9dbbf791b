package io.palisade.upstream.ollama;

import static io.palisade.upstream.ollama.TranslatorFixtures.assertInvalid;
import static io.palisade.upstream.ollama.TranslatorFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class OpenAiToOllamaChatRequestTest {
    private final ObjectMapper mapper = TranslatorFixtures.MAPPER;
    private final OpenAiToOllama translator = new OpenAiToOllama(mapper);

    private ObjectNode chat(String request) {
        return translator.chatRequest(json(request), "llama3.2:3b");
    }

    private static void assertInvalid(ThrowingCallable call, String param) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PalisadeException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.param()).isEqualTo(param);
            assertThat(e.getMessage()).isNotBlank();
        });
    }

    @Test
    void minimalRequestUsesUpstreamModelAndAlwaysSetsStream() {
        ObjectNode body = chat("""
                {"model":"assistant","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":"Why is the sky blue?"}]}""");

        assertThat(body).isEqualTo(json("""
                {"model":"llama3.2:3b","messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":"Why is the sky blue?"}],"stream":false}"""));
    }

    @Test
    void streamTrueIsKept() {
        assertThat(chat("""
                {"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}""").get("stream").booleanValue()).isTrue();
    }

    @Test
    void developerRoleBecomesSystem() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"developer","content":"Answer in French."},{"role":"user","content":"hi"}]}""");

        assertThat(body.at("/messages/0/role").textValue()).isEqualTo("system");
    }

    @Test
    void contentPartsConcatenateTextAndCollectDataUrlImages() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"What is in "},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}},
                  {"type":"text","text":"this picture?"},
                  {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}}]}]}""");

        assertThat(body.at("/messages/0")).isEqualTo(json("""
                {"role":"user","content":"What is in this picture?","images":["iVBORw0KGgo=","/9j/4AAQ"]}"""));
    }

    @Test
    void remoteImageUrlIsRejectedNamingThePart() {
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":[
                  {"type":"text","text":"look"},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}"""), "messages[1].content[1].image_url.url");
    }

    @Test
    void nonBase64DataUrlIsRejected() {
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"image_url","image_url":{"url":"data:image/svg+xml,<svg/>"}}]}]}"""), "messages[0].content[0].image_url.url");
    }

    @Test
    void unsupportedContentPartTypeIsRejected() {
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}"""), "messages[0].content[0].type");
    }

    @Test
    void assistantToolCallsGetObjectArgumentsAndToolResultsGetToolName() {
        ObjectNode body = chat("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather in Paris and Oslo?"},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                    {"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]},
                  {"role":"tool","tool_call_id":"call_a","content":"18C, cloudy"},
                  {"role":"tool","tool_call_id":"call_b","content":"14:02"},
                  {"role":"tool","tool_call_id":"call_unknown","content":"?"}]}""");

        assertThat(body.at("/messages/1")).isEqualTo(json("""
                {"role":"assistant","content":"","tool_calls":[
                  {"function":{"name":"get_weather","arguments":{"city":"Paris"}},"id":"call_a"},
                  {"function":{"name":"get_time","arguments":{}},"id":"call_b"}]}"""));
        assertThat(body.at("/messages/2")).isEqualTo(json("""
                {"role":"tool","content":"18C, cloudy","tool_call_id":"call_a","tool_name":"get_weather"}"""));
        assertThat(body.at("/messages/3/tool_name").textValue()).isEqualTo("get_time");
        assertThat(body.at("/messages/4").has("tool_name")).isFalse();
    }

    @Test
    void toolMessageNameIsUsedAsToolName() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"tool","name":"lookup","content":[{"type":"text","text":"42"}]}]}""");

        assertThat(body.at("/messages/0/tool_name").textValue()).isEqualTo("lookup");
        assertThat(body.at("/messages/0/content").textValue()).isEqualTo("42");
    }

    @Test
    void invalidToolCallArgumentsAreRejected() {
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[
                  {"id":"c","type":"function","function":{"name":"f","arguments":"{not json"}}]}]}"""), "messages[1].tool_calls[0].function.arguments");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"assistant","tool_calls":[
                  {"id":"c","type":"function","function":{"name":"f","arguments":"[1,2]"}}]}]}"""), "messages[0].tool_calls[0].function.arguments");
    }

    @Test
    void reasoningContentOfEarlierTurnsBecomesThinking() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":"2+2?"},
                  {"role":"assistant","content":"4","reasoning_content":"Simple addition."}]}""");

        assertThat(body.at("/messages/1/thinking").textValue()).isEqualTo("Simple addition.");
        assertThat(body.at("/messages/1").has("reasoning_content")).isFalse();
    }

    @Test
    void samplingFieldsAndExtensionsGoIntoOptions() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],
                 "temperature":0.2,"top_p":0.9,"seed":42,"stop":"END","presence_penalty":0.5,
                 "frequency_penalty":0.25,"max_tokens":128,"top_k":40,"min_p":0.05,"repeat_penalty":1.1,
                 "num_ctx":8192}""");

        assertThat(body.get("options")).isEqualTo(json("""
                {"temperature":0.2,"top_p":0.9,"presence_penalty":0.5,"frequency_penalty":0.25,"min_p":0.05,
                 "repeat_penalty":1.1,"seed":42,"top_k":40,"num_ctx":8192,"stop":["END"],"num_predict":128}"""));
        assertThat(body.has("temperature")).isFalse();
        assertThat(body.has("max_tokens")).isFalse();
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokensAndStopArrayIsKept() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],
                 "max_tokens":10,"max_completion_tokens":20,"stop":["\\n\\n","###"]}""");

        assertThat(body.at("/options/num_predict").intValue()).isEqualTo(20);
        assertThat(body.at("/options/stop"))
                .isEqualTo(json("{\"s\":[\"\\n\\n\",\"###\"]}").get("s"));
    }

    @Test
    void nativeOptionsAreMergedAndTopLevelFieldsWin() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.1,
                 "options":{"temperature":0.9,"mirostat":2,"num_gpu":20}}""");

        assertThat(body.get("options")).isEqualTo(json("""
                {"temperature":0.1,"mirostat":2,"num_gpu":20}"""));
    }

    @Test
    void nullSamplingFieldsCountAsAbsent() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":null,"stop":null,
                 "response_format":null,"n":null}""");

        assertThat(body.has("options")).isFalse();
        assertThat(body.has("format")).isFalse();
    }

    @Test
    void badOptionValuesAreRejectedNamingTheField() {
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}"""), "temperature");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":1.5}"""), "max_tokens");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"stop":["a",1]}"""), "stop[1]");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"options":[1]}"""), "options");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"yes"}"""), "stream");
    }

    @Test
    void responseFormatJsonObjectBecomesJson() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}""");

        assertThat(body.get("format").textValue()).isEqualTo("json");
    }

    @Test
    void responseFormatJsonSchemaBecomesTheSchemaItself() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema",
                 "json_schema":{"name":"city","strict":true,"schema":{"type":"object",
                 "properties":{"name":{"type":"string"}},"required":["name"]}}}}""");

        assertThat(body.get("format")).isEqualTo(json("""
                {"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}"""));
    }

    @Test
    void responseFormatTextSendsNothingButWinsOverNativeFormat() {
        ObjectNode text = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"text"}}""");
        ObjectNode nativeOnly = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"format":"json"}""");
        ObjectNode both = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"format":"json",
                 "response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object"}}}}""");

        assertThat(text.has("format")).isFalse();
        assertThat(nativeOnly.get("format").textValue()).isEqualTo("json");
        assertThat(both.get("format")).isEqualTo(json("{\"type\":\"object\"}"));
    }

    @Test
    void badResponseFormatsAreRejected() {
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"xml"}}"""), "response_format.type");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema",
                 "json_schema":{"name":"x"}}}"""), "response_format.json_schema.schema");
    }

    @Test
    void thinkPassesThrough() {
        assertThat(chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"think":true}""").get("think").booleanValue()).isTrue();
        assertThat(chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"think":"high"}""").get("think").textValue()).isEqualTo("high");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"think":{"level":"high"}}"""), "think");
    }

    @Test
    void reasoningEffortMapsToThinkAndWinsOverNativeThink() {
        assertThat(chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"none","think":true}""").get("think")).isEqualTo(mapper.getNodeFactory().booleanNode(false));
        assertThat(chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"none"}""").get("think").booleanValue()).isFalse();
        assertThat(chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"medium"}""").get("think").textValue()).isEqualTo("medium");
        assertThat(chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"minimal"}""").get("think").textValue()).isEqualTo("low");
        assertThat(chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}]}""").has("reasoning_effort")).isFalse();
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"extreme"}"""), "reasoning_effort");
    }

    @Test
    void keepAliveToolsAndUnknownFieldsPassThroughUnchanged() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"keep_alive":"30m",
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
                 "tool_choice":"auto","x_trace":{"span":"abc"},"template":"{{ .Prompt }}"}""");

        assertThat(body.get("keep_alive").textValue()).isEqualTo("30m");
        assertThat(body.get("tools")).isEqualTo(json("""
                {"t":[{"type":"function","function":{"name":"get_weather","description":"Weather",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}""").get("t"));
        assertThat(body.get("x_trace")).isEqualTo(json("{\"span\":\"abc\"}"));
        assertThat(body.get("template").textValue()).isEqualTo("{{ .Prompt }}");
        assertThat(body.get("tool_choice").textValue()).isEqualTo("auto");
    }

    @Test
    void toolChoiceNoneOmitsTools() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":"none",
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}""");

        assertThat(body.has("tools")).isFalse();
    }

    @Test
    void openAiOnlyFieldsAreNotSent() {
        ObjectNode body = chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"user":"alice@example.com",
                 "logit_bias":{"50256":-100},"logprobs":false,"top_logprobs":0,"parallel_tool_calls":false,
                 "service_tier":"auto","store":true,"metadata":{"k":"v"},"stream":true,
                 "stream_options":{"include_usage":true}}""");

        assertThat(body.properties())
                .extracting(java.util.Map.Entry::getKey)
                .containsExactly("model", "messages", "stream");
    }

    @Test
    void whatOllamaCannotHonourIsRefusedNotDropped() {
        // Before: logprobs and top_logprobs were dropped and a forced tool_choice copied for Ollama to ignore.
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"logprobs":true}"""), "logprobs");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"top_logprobs":2}"""), "top_logprobs");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"tool_choice":"required","tools":[]}"""), "tool_choice");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[],
                 "tool_choice":{"type":"function","function":{"name":"f"}}}"""), "tool_choice");
    }

    @Test
    void moreThanOneChoiceIsRejected() {
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"n":2}"""), "n");
        assertThat(chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"n":1}""").has("n")).isFalse();
    }

    @Test
    void malformedMessagesAreRejectedNamingTheParam() {
        assertInvalid(() -> chat("{\"model\":\"m\"}"), "messages");
        assertInvalid(() -> chat("{\"model\":\"m\",\"messages\":[]}"), "messages");
        assertInvalid(() -> chat("{\"model\":\"m\",\"messages\":\"hi\"}"), "messages");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"},"hello"]}"""), "messages[1]");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":"hi"},{"content":"no role"}]}"""), "messages[1].role");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":7,"content":"hi"}]}"""), "messages[0].role");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":{"text":"hi"}}]}"""), "messages[0].content");
        assertInvalid(() -> chat("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":5}]}]}"""), "messages[0].content[0].text");
    }

    @Test
    void theClientRequestIsNotModified() {
        ObjectNode request = json("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],
                 "temperature":0.3,"options":{"num_ctx":4096},"user":"bob"}""");
        JsonNode before = request.deepCopy();

        ObjectNode body = translator.chatRequest(request, "up");
        ((ObjectNode) body.get("options")).put("num_ctx", 1);

        assertThat(request).isEqualTo(before);
    }

    @Test
    void streamUsageFlagIsReadFromStreamOptions() {
        assertThat(translator.wantsStreamUsage(json("""
                {"stream":true,"stream_options":{"include_usage":true}}"""))).isTrue();
        assertThat(translator.wantsStreamUsage(json("{\"stream\":true}"))).isFalse();
    }
}
