package io.palisade.simulate;

import static io.palisade.simulate.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evaluator frees a model between the generator and the judge phase through either endpoint. */
class ModelUnloadTest {
    private static final SimulatorConfig CONFIG = SimulatorConfig.defaults()
            .withModels(List.of("qwen3:0.6b", "judge"))
            .withJudgeModes(Map.of("judge", JudgeMode.STRICT));

    @Test
    void chatLoadsAndChatWithKeepAliveZeroAndNoMessagesUnloads() {
        try (Simulator simulator = TestClient.startSimulator(CONFIG)) {
            var client = new TestClient(simulator.baseUrl());
            generate(client, "/api/chat", "qwen3:0.6b");
            assertThat(loaded(client)).containsExactly("qwen3:0.6b");

            JsonNode withEmptyList =
                    json(client.post("/api/chat", "{\"model\":\"qwen3:0.6b\",\"keep_alive\":0,\"messages\":[]}"));
            assertThat(withEmptyList.path("done").asBoolean()).isTrue();
            assertThat(withEmptyList.path("done_reason").asText()).isEqualTo("unload");
            assertThat(loaded(client)).isEmpty();

            generate(client, "/api/chat", "qwen3:0.6b");
            JsonNode withoutMessages = json(client.post("/api/chat", "{\"model\":\"qwen3:0.6b\",\"keep_alive\":0}"));
            assertThat(withoutMessages.path("done_reason").asText()).isEqualTo("unload");
            assertThat(loaded(client)).isEmpty();
        }
    }

    @Test
    void generateLoadsAndGenerateWithKeepAliveZeroAndNoPromptUnloads() {
        try (Simulator simulator = TestClient.startSimulator(CONFIG)) {
            var client = new TestClient(simulator.baseUrl());
            generate(client, "/api/generate", "judge");
            generate(client, "/api/generate", "qwen3:0.6b");
            assertThat(loaded(client)).containsExactly("judge:latest", "qwen3:0.6b");

            JsonNode withEmptyPrompt =
                    json(client.post("/api/generate", "{\"model\":\"judge\",\"keep_alive\":\"0\",\"prompt\":\"\"}"));
            assertThat(withEmptyPrompt.path("done_reason").asText()).isEqualTo("unload");
            assertThat(loaded(client)).containsExactly("qwen3:0.6b");

            JsonNode withoutPrompt = json(client.post("/api/generate", "{\"model\":\"qwen3:0.6b\",\"keep_alive\":0}"));
            assertThat(withoutPrompt.path("done_reason").asText()).isEqualTo("unload");
            assertThat(loaded(client)).isEmpty();
        }
    }

    @Test
    void aModelLoadedThroughOneEndpointUnloadsThroughTheOther() {
        try (Simulator simulator = TestClient.startSimulator(CONFIG)) {
            var client = new TestClient(simulator.baseUrl());
            generate(client, "/api/generate", "judge");
            generate(client, "/v1/chat/completions", "qwen3:0.6b");

            client.post("/api/chat", "{\"model\":\"judge\",\"keep_alive\":0}");
            client.post("/api/generate", "{\"model\":\"qwen3:0.6b\",\"keep_alive\":0}");

            assertThat(loaded(client)).isEmpty();
        }
    }

    private static void generate(TestClient client, String path, String model) {
        String body = path.equals("/api/generate")
                ? "{\"model\":\"" + model + "\",\"prompt\":\"hi\",\"stream\":false}"
                : "{\"model\":\"" + model
                        + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(client.post(path, body).statusCode()).isEqualTo(200);
    }

    private static List<String> loaded(TestClient client) {
        return json(client.get("/api/ps")).path("models").findValuesAsText("name");
    }
}
