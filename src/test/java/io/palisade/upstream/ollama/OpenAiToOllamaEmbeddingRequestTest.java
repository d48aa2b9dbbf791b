package io.palisade.upstream.ollama;

import static io.palisade.upstream.ollama.TranslatorFixtures.assertInvalid;
import static io.palisade.upstream.ollama.TranslatorFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class OpenAiToOllamaEmbeddingRequestTest {
    private final ObjectMapper mapper = TranslatorFixtures.MAPPER;
    private final OpenAiToOllama translator = new OpenAiToOllama(mapper);

    private ObjectNode embed(String request) {
        return translator.embeddingRequest(json(request), "nomic-embed-text:v1.5");
    }

    @Test
    void stringInputWithDimensionsTruncateKeepAliveAndNativeOptions() {
        ObjectNode body = embed("""
                {"model":"embedder","input":"The sky is blue.","dimensions":256,"truncate":false,"keep_alive":"10m",
                 "options":{"num_ctx":2048},"encoding_format":"float","user":"u1"}""");

        assertThat(body).isEqualTo(json("""
                {"model":"nomic-embed-text:v1.5","input":"The sky is blue.","dimensions":256,"truncate":false,
                 "keep_alive":"10m","options":{"num_ctx":2048}}"""));
    }

    @Test
    void arrayInputIsKeptAndNoStreamFieldIsAdded() {
        ObjectNode body = embed("""
                {"model":"embedder","input":["first","second"]}""");

        assertThat(body).isEqualTo(json("""
                {"model":"nomic-embed-text:v1.5","input":["first","second"]}"""));
    }

    @Test
    void tokenArraysAndBadInputsAreRejected() {
        assertInvalid(() -> embed("{\"model\":\"e\",\"input\":[1,2,3]}"), "input[0]");
        assertInvalid(() -> embed("{\"model\":\"e\",\"input\":[\"ok\",[1,2]]}"), "input[1]");
        assertInvalid(() -> embed("{\"model\":\"e\",\"input\":[]}"), "input");
        assertInvalid(() -> embed("{\"model\":\"e\"}"), "input");
        assertInvalid(() -> embed("{\"model\":\"e\",\"input\":\"x\",\"dimensions\":\"big\"}"), "dimensions");
        assertInvalid(() -> embed("{\"model\":\"e\",\"input\":\"x\",\"encoding_format\":\"hex\"}"), "encoding_format");
    }

    @Test
    void base64EncodingIsReportedToTheCaller() {
        assertThat(translator.wantsBase64Embeddings(json("{\"input\":\"x\",\"encoding_format\":\"base64\"}")))
                .isTrue();
        assertThat(translator.wantsBase64Embeddings(json("{\"input\":\"x\",\"encoding_format\":\"float\"}")))
                .isFalse();
        assertThat(translator.wantsBase64Embeddings(json("{\"input\":\"x\"}"))).isFalse();
    }
}
