package io.palisade.simulate;

import static io.palisade.simulate.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TGI's /info and llama.cpp's /props, which say what the server serves. */
class PinEndpointsTest {
    private Simulator simulator;
    private TestClient client;

    @BeforeEach
    void start() {
        simulator = TestClient.startSimulator(SimulatorConfig.defaults());
        client = new TestClient(simulator.baseUrl());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void infoDescribesTheFirstModelWithItsDigestAsModelSha() {
        JsonNode info = json(client.get("/info"));
        String digest = json(client.get("/api/tags"))
                .path("models")
                .get(0)
                .path("digest")
                .asText();

        assertThat(info.path("model_id").asText()).isEqualTo("llama3.2:1b");
        assertThat(info.path("model_sha").asText()).isEqualTo(digest);
        assertThat(info.path("model_pipeline_tag").asText()).isEqualTo("text-generation");

        simulator.setModelDigest("llama3.2:1b", "abc123");
        assertThat(json(client.get("/info")).path("model_sha").asText()).isEqualTo("abc123");
    }

    @Test
    void aModelQueryPicksAnotherModel() {
        JsonNode info = json(client.get("/info?model=nomic-embed-text"));

        assertThat(info.path("model_id").asText()).isEqualTo("nomic-embed-text");
        assertThat(info.path("model_pipeline_tag").asText()).isEqualTo("feature-extraction");
        assertThat(client.get("/info?model=absent").statusCode()).isEqualTo(404);
    }

    @Test
    void propsNamesTheGgufFile() {
        assertThat(json(client.get("/props")).path("model_path").asText()).isEqualTo("/models/llama3.2-1b.gguf");

        simulator.setModelFile("llama3.2:1b", "/srv/models/llama.gguf");
        assertThat(json(client.get("/props")).path("model_path").asText()).isEqualTo("/srv/models/llama.gguf");
        assertThat(json(client.get("/props?model=qwen3:0.6b"))
                        .path("model_path")
                        .asText())
                .isEqualTo("/models/qwen3-0.6b.gguf");
    }
}
