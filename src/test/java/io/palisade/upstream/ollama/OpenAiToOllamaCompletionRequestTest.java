package io.palisade.upstream.ollama;

import static io.palisade.upstream.ollama.TranslatorFixtures.assertInvalid;
import static io.palisade.upstream.ollama.TranslatorFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class OpenAiToOllamaCompletionRequestTest {
    private final ObjectMapper mapper = TranslatorFixtures.MAPPER;
    private final OpenAiToOllama translator = new OpenAiToOllama(mapper);

    private ObjectNode complete(String request) {
        return translator.completionRequest(json(request), "qwen2.5-coder:7b");
    }

    @Test
    void stringPromptWithSuffixSystemRawAndOptions() {
        ObjectNode body = complete("""
                {"model":"coder","prompt":"def add(a, b):","suffix":"\\n\\nprint(add(1, 2))","system":"You write Python.",
                 "raw":true,"max_tokens":64,"temperature":0,"stop":["\\ndef "],"keep_alive":-1,"user":"u1"}""");

        assertThat(body).isEqualTo(json("""
                {"model":"qwen2.5-coder:7b","prompt":"def add(a, b):","stream":false,
                 "options":{"temperature":0,"stop":["\\ndef "],"num_predict":64},
                 "suffix":"\\n\\nprint(add(1, 2))","system":"You write Python.","raw":true,"keep_alive":-1}"""));
    }

    @Test
    void arrayOfOnePromptIsUnwrappedAndStreamIsExplicit() {
        ObjectNode body = complete("""
                {"model":"coder","prompt":["Once upon a time"],"stream":true}""");

        assertThat(body.get("prompt").textValue()).isEqualTo("Once upon a time");
        assertThat(body.get("stream").booleanValue()).isTrue();
    }

    @Test
    void promptsThatOllamaCannotTakeAreRejected() {
        assertInvalid(() -> complete("{\"model\":\"c\",\"prompt\":[\"a\",\"b\"]}"), "prompt");
        assertInvalid(() -> complete("{\"model\":\"c\",\"prompt\":[[1,2,3]]}"), "prompt[0]");
        assertInvalid(() -> complete("{\"model\":\"c\",\"prompt\":[1,2,3]}"), "prompt");
        assertInvalid(() -> complete("{\"model\":\"c\"}"), "prompt");
        assertInvalid(() -> complete("{\"model\":\"c\",\"prompt\":42}"), "prompt");
    }

    @Test
    void unsupportedGenerationRequestsAreRejected() {
        assertInvalid(() -> complete("{\"model\":\"c\",\"prompt\":\"x\",\"n\":3}"), "n");
        assertInvalid(() -> complete("{\"model\":\"c\",\"prompt\":\"x\",\"best_of\":2}"), "best_of");
        assertInvalid(() -> complete("{\"model\":\"c\",\"prompt\":\"x\",\"echo\":true}"), "echo");
    }

    @Test
    void harmlessDefaultsOfUnsupportedFieldsAreDropped() {
        ObjectNode body = complete("""
                {"model":"c","prompt":"x","echo":false,"best_of":1,"logprobs":null,"stream_options":null}""");

        assertThat(body.has("echo")).isFalse();
        assertThat(body.has("best_of")).isFalse();
        assertThat(body.has("logprobs")).isFalse();
        assertThat(body.has("stream_options")).isFalse();
    }

    @Test
    void responseFormatAndThinkApplyToCompletionsToo() {
        ObjectNode body = complete("""
                {"model":"c","prompt":"x","response_format":{"type":"json_object"},"think":false}""");

        assertThat(body.get("format").textValue()).isEqualTo("json");
        assertThat(body.get("think").booleanValue()).isFalse();
    }
}
