package io.palisade.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error the API promises, in OpenAI's shape, with the right status, and nothing leaked. */
class ErrorsIntegrationTest {
    private static final String CHAT =
            "{\"model\":\"llama3.2:1b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    static Path dir;

    static TestGateway gateway;
    static Simulator failing;
    static Simulator slow;
    static Simulator cutting;
    static String key;

    @BeforeAll
    static void start() {
        failing = new Simulator(SimulatorConfig.defaults()
                        .withPort(0)
                        .withModels(List.of("m"))
                        .withErrorRate(1.0))
                .start();
        slow = new Simulator(SimulatorConfig.defaults()
                        .withPort(0)
                        .withModels(List.of("m"))
                        .withLatency(Duration.ofSeconds(4)))
                .start();
        // Paced, so the first chunks reach the caller well before the cut.
        cutting = new Simulator(SimulatorConfig.defaults()
                        .withPort(0)
                        .withModels(List.of("m"))
                        .withDisconnectRate(1.0)
                        .withTokensPerSecond(200))
                .start();
        String backends = """
                  - {name: failing, kind: openai, url: "%s", discover_models: false}
                  - {name: slow, kind: ollama, url: "%s", discover_models: false, timeouts: {first_byte: 1s}}
                  - {name: cutting, kind: ollama, url: "%s", discover_models: false}
                """.formatted(failing.baseUrl(), slow.baseUrl(), cutting.baseUrl());
        String models = """
                  - {name: failing-model, backend: failing, upstream_model: m}
                  - {name: slow-model, backend: slow, upstream_model: m}
                  - {name: cutting-model, backend: cutting, upstream_model: m}
                """;
        gateway = TestGateway.start(dir, "", backends, models);
        key = gateway.userWithKey("err@example.com", List.of("llama3.2:1b", "*-model"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        failing.close();
        slow.close();
        cutting.close();
    }

    @Test
    void malformedAndIncompleteRequestsAre400() {
        assertError(
                gateway.post("/v1/chat/completions", key, "{\"model\":"), 400, "invalid_request_error", "invalid_json");
        assertError(gateway.post("/v1/chat/completions", key, "[1,2]"), 400, "invalid_request_error", "invalid_json");
        JsonNode missingModel = assertError(
                gateway.post("/v1/chat/completions", key, "{\"messages\":[]}"),
                400,
                "invalid_request_error",
                "invalid_request");
        assertThat(missingModel.path("error").path("param").asText()).isEqualTo("model");
        JsonNode missingMessages = assertError(
                gateway.post("/v1/chat/completions", key, "{\"model\":\"llama3.2:1b\"}"),
                400,
                "invalid_request_error",
                "invalid_request");
        assertThat(missingMessages.path("error").path("param").asText()).isEqualTo("messages");
        // No model has a name this long; on PostgreSQL it would not even fit the audit's index.
        JsonNode longModel = assertError(
                gateway.post("/v1/chat/completions", key, CHAT.replace("llama3.2:1b", "m".repeat(257))),
                400,
                "invalid_request_error",
                "invalid_request");
        assertThat(longModel.path("error").path("param").asText()).isEqualTo("model");
        assertError(
                gateway.post("/v1/chat/completions", key, CHAT.replace("}]}", "}],\"max_tokens\":-3}")),
                400,
                "invalid_request_error",
                "invalid_request");
    }

    @Test
    void missingOrInvalidKeysAre401() {
        assertError(gateway.post("/v1/chat/completions", null, CHAT), 401, "authentication_error", "missing_api_key");
        assertError(
                gateway.post("/v1/chat/completions", "pal_nothere_xyz", CHAT),
                401,
                "authentication_error",
                "invalid_api_key");
        assertError(gateway.get("/v1/models", "Bearer"), 401, "authentication_error", "invalid_api_key");
    }

    @Test
    void ungrantedModelIs403WhetherOrNotItExistsAndOnlyAGrantedNameThatDoesNotExistIs404() {
        JsonNode existing = assertError(
                gateway.post("/v1/chat/completions", key, CHAT.replace("llama3.2:1b", "qwen3:0.6b")),
                403,
                "permission_error",
                "model_access_denied");
        // Grant first: a key cannot tell an ungranted model that exists from one that does not.
        JsonNode missing = assertError(
                gateway.post("/v1/chat/completions", key, CHAT.replace("llama3.2:1b", "qwen9:99b")),
                403,
                "permission_error",
                "model_access_denied");
        assertThat(missing.toString().replace("qwen9:99b", "qwen3:0.6b")).isEqualTo(existing.toString());
        assertError(gateway.get("/v1/models/qwen3:0.6b", key), 403, "permission_error", "model_access_denied");
        assertError(gateway.get("/v1/models/qwen9:99b", key), 403, "permission_error", "model_access_denied");
        // The key is granted "*-model": within its grant, a name that does not exist is 404.
        assertError(
                gateway.post("/v1/chat/completions", key, CHAT.replace("llama3.2:1b", "no-such-model")),
                404,
                "invalid_request_error",
                "model_not_found");
        assertError(gateway.get("/v1/models/no-such-model", key), 404, "invalid_request_error", "model_not_found");
    }

    @Test
    void unknownRoutesAre404ButOnlyAfterAuthentication() {
        assertError(gateway.get("/v1/nope", key), 404, "invalid_request_error", "not_found");
        assertError(gateway.get("/v1/nope", null), 401, "authentication_error", "missing_api_key");
        assertError(gateway.post("/v1/models", key, "{}"), 404, "invalid_request_error", "not_found");
    }

    @Test
    void oversizedBodyIs413AndWrongContentTypeIs415() {
        String huge = CHAT.replace("hi", "x".repeat(70_000));
        assertError(gateway.post("/v1/chat/completions", key, huge), 413, "invalid_request_error", "payload_too_large");
        HttpResponse<String> wrongType = gateway.send(gateway.request("/v1/chat/completions", key)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)));
        assertError(wrongType, 415, "invalid_request_error", "unsupported_media_type");
    }

    @Test
    void rateLimitIs429WithRetryAfterAndHeaders() {
        String limited = gateway.userWithKey("limited@example.com", List.of("llama3.2:1b"), 2);
        assertThat(gateway.post("/v1/chat/completions", limited, CHAT).statusCode())
                .isEqualTo(200);
        HttpResponse<String> second = gateway.post("/v1/chat/completions", limited, CHAT);
        assertThat(second.headers().firstValue("x-ratelimit-remaining-requests"))
                .contains("0");
        HttpResponse<String> third = gateway.post("/v1/chat/completions", limited, CHAT);
        assertError(third, 429, "rate_limit_error", "rate_limited");
        assertThat(Integer.parseInt(third.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1, 61);
        assertThat(third.headers().firstValue("x-ratelimit-limit-requests")).contains("2");
        assertThat(third.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
    }

    @Test
    void upstreamFailuresAre502503504AndNameTheBackendWithoutSecrets() {
        JsonNode unreachable = assertError(
                gateway.post("/v1/chat/completions", key, CHAT.replace("llama3.2:1b", "broken-model")),
                502,
                "upstream_error",
                "upstream_unreachable");
        assertThat(unreachable.path("error").path("message").asText())
                .contains("'down'")
                .doesNotContain("sk-do-not-leak-me")
                .doesNotContain("Exception");
        JsonNode failed = assertError(
                gateway.post("/v1/chat/completions", key, CHAT.replace("llama3.2:1b", "failing-model")),
                502,
                "upstream_error",
                "upstream_bad_response");
        assertThat(failed.path("error").path("message").asText())
                .contains("'failing'")
                .contains("500");
        JsonNode timedOut = assertError(
                gateway.post("/v1/chat/completions", key, CHAT.replace("llama3.2:1b", "slow-model")),
                504,
                "upstream_error",
                "upstream_timeout");
        assertThat(timedOut.path("error").path("message").asText()).contains("'slow'");
        assertThat(gateway.awaitApiRecords(1)).anySatisfy(r -> {
            assertThat(r.path("model").asText()).isEqualTo("broken-model");
            assertThat(r.path("decision").asText()).isEqualTo("allowed");
            assertThat(r.path("status").asInt()).isEqualTo(502);
            assertThat(r.path("reason").asText()).isEqualTo("upstream_unreachable");
            assertThat(r.path("upstream_error").asText()).contains("'down'");
        });
    }

    @Test
    void aStreamCutMidwayEndsWithAnErrorEventAndIsAudited() {
        HttpResponse<String> response = gateway.post(
                "/v1/chat/completions",
                key,
                "{\"model\":\"cutting-model\",\"stream\":true,\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":\"long story\"}]}");
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = OpenAiApiIntegrationTest.events(response.body());
        assertThat(events).isNotEmpty().doesNotContain("[DONE]");
        JsonNode last = TestGateway.json(events.get(events.size() - 1));
        assertThat(last.path("error").path("type").asText()).isEqualTo("upstream_error");
        JsonNode record = gateway.awaitApiRecords(1).stream()
                .filter(r -> "cutting-model".equals(r.path("model").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(record.path("reason").asText()).isEqualTo("upstream_stream_interrupted");
        assertThat(record.path("upstream_error").asText()).contains("cutting");
        assertThat(record.path("decision").asText()).isEqualTo("allowed");
    }

    @Test
    void everyResponseCarriesARequestId() {
        HttpResponse<String> denied = gateway.post("/v1/chat/completions", null, CHAT);
        assertThat(denied.headers().firstValue("X-Request-Id")).isPresent();
        HttpResponse<String> echoed = gateway.send(gateway.request("/v1/models", key)
                .header("X-Request-Id", "has spaces/and slashes")
                .GET());
        assertThat(echoed.headers().firstValue("X-Request-Id").orElseThrow()).startsWith("req_");
    }

    private static JsonNode assertError(HttpResponse<String> response, int status, String type, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = TestGateway.json(response.body());
        assertThat(body.path("error").path("type").asText()).isEqualTo(type);
        assertThat(body.path("error").path("code").asText()).isEqualTo(code);
        assertThat(body.path("error").path("message").asText()).isNotBlank();
        assertThat(body.path("error").has("param")).isTrue();
        return body;
    }
}
