package io.palisade.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.TestGateway;
import io.palisade.simulate.RecordedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 20: what each backend kind does with n, logprobs, top_logprobs, tool_choice and
 * remote image URLs. Ollama's native API cannot honour them: refused with a 400 naming the field,
 * before admission (no limit consumed) and before anything reaches the backend. An
 * OpenAI-compatible backend gets them as sent.
 */
class BackendKindFieldsIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Test
    void anOllamaModelRefusesWhatItCannotHonourBeforeAdmission(@TempDir Path dir) throws Exception {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String key = gateway.userWithKey("ada@example.com", List.of("llama3.2:1b"), 1);
            gateway.simulator.clearRequests();
            refused(gateway, key, "{\"model\":\"llama3.2:1b\"," + HI + ",\"n\":2}", "n");
            refused(gateway, key, "{\"model\":\"llama3.2:1b\"," + HI + ",\"logprobs\":true}", "logprobs");
            refused(gateway, key, "{\"model\":\"llama3.2:1b\"," + HI + ",\"top_logprobs\":3}", "top_logprobs");
            refused(
                    gateway,
                    key,
                    "{\"model\":\"llama3.2:1b\"," + HI + ",\"tools\":[],\"tool_choice\":\"required\"}",
                    "tool_choice");
            refused(
                    gateway,
                    key,
                    "{\"model\":\"llama3.2:1b\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what?\"},"
                            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}",
                    "messages[0].content[1].image_url.url");
            refused(
                    gateway,
                    key,
                    "{\"model\":\"llama3.2:1b\",\"prompt\":\"x\",\"logprobs\":2}",
                    "logprobs",
                    "/v1/completions");
            assertThat(gateway.simulator.requests())
                    .as("nothing reached the backend (probes aside)")
                    .noneMatch(request ->
                            request.path().equals("/api/chat") || request.path().equals("/api/generate"));

            HttpResponse<String> honoured = gateway.post(
                    "/v1/chat/completions",
                    key,
                    "{\"model\":\"llama3.2:1b\"," + HI + ",\"n\":1,\"logprobs\":false,\"tool_choice\":\"auto\"}");
            assertThat(honoured.statusCode())
                    .as("the refusals consumed none of the 1 request per minute: " + honoured.body())
                    .isEqualTo(200);
        }
    }

    @Test
    void anOpenAiCompatibleModelGetsTheFieldsAsSent(@TempDir Path dir) throws Exception {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String key = gateway.userWithKey("lin@example.com", List.of("vllm-qwen"));
            gateway.simulator.clearRequests();
            HttpResponse<String> response = gateway.post(
                    "/v1/chat/completions",
                    key,
                    "{\"model\":\"vllm-qwen\"," + HI
                            + ",\"logprobs\":true,\"top_logprobs\":2,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
                            + "\"tool_choice\":\"required\"}");
            assertThat(response.statusCode()).as(response.body()).isLessThan(500);
            RecordedRequest upstream = gateway.simulator.requests().stream()
                    .filter(r -> r.path().endsWith("/chat/completions"))
                    .findFirst()
                    .orElseThrow();
            JsonNode sent = JSON.readTree(upstream.body());
            assertThat(sent.path("logprobs").asBoolean()).isTrue();
            assertThat(sent.path("top_logprobs").asInt()).isEqualTo(2);
            assertThat(sent.path("tool_choice").asText()).isEqualTo("required");
        }
    }

    private static void refused(TestGateway gateway, String key, String body, String param) throws Exception {
        refused(gateway, key, body, param, "/v1/chat/completions");
    }

    private static void refused(TestGateway gateway, String key, String body, String param, String route)
            throws Exception {
        HttpResponse<String> response = gateway.post(route, key, body);
        assertThat(response.statusCode()).as(body + " -> " + response.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(param);
    }
}
