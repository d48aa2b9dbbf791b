package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.TestGateway;
import io.palisade.simulate.RecordedRequest;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits that hold under concurrency, proven over real HTTP with the audit as the witness. */
class AdmissionIntegrationTest {
    private static final String CHAT =
            "{\"model\":\"llama3.2:1b\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";

    @Test
    void twoHundredParallelRequestsNeverPassTheTokenLimitOrTheBudget(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String tpmKey = gateway.userWithKey("tpm@example.com", List.of("llama3.2:1b"), 0);
            setLimits(
                    gateway,
                    "keys",
                    keyId(gateway, "tpm@example.com"),
                    "{\"requests_per_minute\":0,\"tokens_per_minute\":1000}");
            String budgetKey = gateway.userWithKey("budget@example.com", List.of("llama3.2:1b"), 0);
            setLimits(gateway, "users", "budget@example.com", "{\"budgets\":[{\"period\":\"day\",\"tokens\":800}]}");

            List<HttpResponse<String>> tpm = parallel(gateway, tpmKey, 200);
            List<HttpResponse<String>> budget = parallel(gateway, budgetKey, 200);

            assertLimitHeld(gateway, tpm, "tpm@example.com", 1000, "tokens_rate_limited", "tokens per minute");
            assertLimitHeld(gateway, budget, "budget@example.com", 800, "budget_exceeded", "800 tokens per day");
            assertThat(budget.stream()
                            .filter(r -> r.statusCode() == 429)
                            .findFirst()
                            .orElseThrow()
                            .body())
                    .contains("budget_exceeded")
                    .contains("insufficient_quota");
        }
    }

    @Test
    void concurrencyLimitAndReleaseAfterwards(@TempDir Path dir) {
        try (Simulator slow = new Simulator(SimulatorConfig.defaults()
                                .withPort(0)
                                .withModels(List.of("m"))
                                .withLatency(Duration.ofMillis(400)))
                        .start();
                TestGateway gateway = TestGateway.start(
                        dir,
                        "",
                        "  - {name: slow, kind: ollama, url: \"" + slow.baseUrl() + "\", discover_models: false}\n",
                        "  - {name: slow-model, backend: slow, upstream_model: m}\n")) {
            String key = gateway.userWithKey("conc@example.com", List.of("slow-model"), 0);
            setLimits(
                    gateway,
                    "keys",
                    keyId(gateway, "conc@example.com"),
                    "{\"requests_per_minute\":0,\"max_concurrent\":2}");
            List<HttpResponse<String>> responses = parallel(gateway, key, 8, CHAT.replace("llama3.2:1b", "slow-model"));
            long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
            assertThat(ok).isBetween(1L, 2L);
            assertThat(responses)
                    .filteredOn(r -> r.statusCode() == 429)
                    .allSatisfy(r -> assertThat(r.body()).contains("concurrency_limited"));
            assertThat(gateway.post("/v1/chat/completions", key, CHAT.replace("llama3.2:1b", "slow-model"))
                            .statusCode())
                    .as("slots are freed when requests end")
                    .isEqualTo(200);
        }
    }

    /**
     * A caller that has its answer may send the next request at once, on another connection: the
     * finished request's slot must be free by then (it is released before the answer's last byte).
     */
    @Test
    void theNextRequestOnAnotherConnectionFindsTheSlotOfTheAnsweredOneFree(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir, "")) {
            String key = gateway.userWithKey("sequential@example.com", List.of("llama3.2:1b"), 0);
            setLimits(
                    gateway,
                    "keys",
                    keyId(gateway, "sequential@example.com"),
                    "{\"requests_per_minute\":0,\"max_concurrent\":1}");
            List<HttpClient> clients = List.of(HttpClient.newHttpClient(), HttpClient.newHttpClient());
            for (int i = 0; i < 300; i++) {
                HttpResponse<String> response = clients.get(i % 2)
                        .sendAsync(
                                gateway.request("/v1/chat/completions", key)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .join();
                assertThat(response.statusCode())
                        .as("request %d: %s", i, response.body())
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void promptAndOutputCapsAndTheDefaultCapIsSentToTheBackend(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir, "limits: {default_output_cap: 33}")) {
            String key = gateway.userWithKey("caps@example.com", List.of("llama3.2:1b"), 0);
            gateway.post("/v1/chat/completions", key, CHAT.replace("\"max_tokens\":20,", ""));
            assertThat(lastChat(gateway).path("options").path("num_predict").asInt())
                    .isEqualTo(33);

            setLimits(
                    gateway,
                    "keys",
                    keyId(gateway, "caps@example.com"),
                    "{\"requests_per_minute\":0,\"max_prompt_tokens\":20,\"max_output_tokens\":15}");
            HttpResponse<String> longPrompt =
                    gateway.post("/v1/chat/completions", key, CHAT.replace("hello there", "word ".repeat(50)));
            assertThat(longPrompt.statusCode()).isEqualTo(400);
            assertThat(longPrompt.body()).contains("prompt_too_long");
            HttpResponse<String> bigOutput = gateway.post("/v1/chat/completions", key, CHAT);
            assertThat(bigOutput.statusCode()).isEqualTo(400);
            assertThat(bigOutput.body()).contains("output_cap_exceeded");
            JsonNode record = gateway.awaitApiRecords(3).getLast();
            assertThat(record.path("reason").asText()).isEqualTo("output_cap_exceeded");
            assertThat(record.path("limit").asText()).isEqualTo("max_output_tokens 15");

            gateway.admin("PUT", "/admin/users/caps@example.com/limits", "{\"max_body_bytes\":100}");
            HttpResponse<String> bigBody =
                    gateway.post("/v1/chat/completions", key, CHAT.replace("hello there", "x".repeat(200)));
            assertThat(bigBody.statusCode()).isEqualTo(413);
            assertThat(bigBody.body()).contains("payload_too_large").contains("limit for this caller is 100");
        }
        try (TestGateway gateway =
                TestGateway.start(dir.resolve("clamp"), "limits: {max_output_tokens: 15, output_cap_mode: clamp}")) {
            String key = gateway.userWithKey("clamp@example.com", List.of("llama3.2:1b"), 0);
            assertThat(gateway.post("/v1/chat/completions", key, CHAT).statusCode())
                    .isEqualTo(200);
            assertThat(lastChat(gateway).path("options").path("num_predict").asInt())
                    .isEqualTo(15);
        }
    }

    @Test
    void successfulResponsesCarryTokenHeadersAndUsageIsReported(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(
                dir,
                "limits: {default_tokens_per_minute: 5000, default_requests_per_minute: 50,"
                        + " pricing: [{model: \"llama*\", prompt_per_1k: 1.0, completion_per_1k: 2.0}]}")) {
            String key = gateway.userWithKey("headers@example.com", List.of("llama3.2:1b"));
            HttpResponse<String> response = gateway.post("/v1/chat/completions", key, CHAT);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-ratelimit-limit-requests"))
                    .contains("50");
            assertThat(response.headers().firstValue("x-ratelimit-remaining-requests"))
                    .contains("49");
            assertThat(response.headers().firstValue("x-ratelimit-limit-tokens"))
                    .contains("5000");
            assertThat(Long.parseLong(response.headers()
                            .firstValue("x-ratelimit-remaining-tokens")
                            .orElseThrow()))
                    .isBetween(4900L, 4990L);
            gateway.post("/v1/chat/completions", key, CHAT.replace("llama3.2:1b", "qwen3:0.6b"));
            gateway.palisade.flushUsage();
            JsonNode usage = gateway.admin("GET", "/admin/usage?by=user,model", null);
            assertThat(usage.path("data")).anySatisfy(row -> {
                assertThat(row.path("user").asText()).isEqualTo("headers@example.com");
                assertThat(row.path("model").asText()).isEqualTo("llama3.2:1b");
                assertThat(row.path("requests").asInt()).isEqualTo(1);
                assertThat(row.path("completion_tokens").asInt()).isBetween(1, 20);
                assertThat(row.path("refusals").asInt()).isZero();
                double expected = (row.path("prompt_tokens").asInt() * 1.0
                                + row.path("completion_tokens").asInt() * 2.0)
                        / 1000;
                assertThat(row.path("cost").asDouble())
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(0.000002));
            });
            assertThat(usage.path("data")).anySatisfy(row -> {
                assertThat(row.path("model").asText()).isEqualTo("qwen3:0.6b");
                assertThat(row.path("refusals").asInt()).isEqualTo(1);
            });
            String csv = gateway.get("/admin/usage?by=day&format=csv", TestGateway.ADMIN_KEY)
                    .body();
            assertThat(csv).startsWith("day,requests,prompt_tokens");
        }
    }

    @Test
    void aStreamCancelledMidwayReleasesWhatItDidNotUse(@TempDir Path dir) throws Exception {
        try (Simulator paced = new Simulator(SimulatorConfig.defaults()
                                .withPort(0)
                                .withModels(List.of("m"))
                                .withTokensPerSecond(50))
                        .start();
                TestGateway gateway = TestGateway.start(
                        dir,
                        "",
                        "  - {name: paced, kind: ollama, url: \"" + paced.baseUrl() + "\", discover_models: false}\n",
                        "  - {name: paced-model, backend: paced, upstream_model: m}\n")) {
            String key = gateway.userWithKey("cancel@example.com", List.of("paced-model"), 0);
            setLimits(
                    gateway,
                    "keys",
                    keyId(gateway, "cancel@example.com"),
                    "{\"requests_per_minute\":0,\"tokens_per_minute\":400}");
            String stream =
                    "{\"model\":\"paced-model\",\"stream\":true,\"max_tokens\":300,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<InputStream> response = HttpClient.newHttpClient()
                    .send(
                            gateway.request("/v1/chat/completions", key)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(stream))
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            try (InputStream body = response.body()) {
                body.readNBytes(300);
            }
            JsonNode record = Await.value(
                    Duration.ofSeconds(10),
                    () -> gateway.apiRecords().stream().findFirst().orElse(null),
                    found -> found != null && found.path("complete").asBoolean(),
                    "the disconnected request's complete record");
            assertThat(record.path("reason").asText()).isEqualTo("client_disconnected");
            HttpResponse<String> next =
                    gateway.post("/v1/chat/completions", key, stream.replace("\"stream\":true,", ""));
            assertThat(next.statusCode())
                    .as("the cancelled stream's unused reservation was released: " + next.body())
                    .isEqualTo(200);
        }
    }

    private static void assertLimitHeld(
            TestGateway gateway,
            List<HttpResponse<String>> responses,
            String user,
            long limit,
            String reason,
            String limitText) {
        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 429));
        long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
        assertThat(ok).isPositive().isLessThan(responses.size());
        List<JsonNode> records = gateway.awaitApiRecords(1).stream()
                .filter(r -> user.equals(r.path("user").asText()))
                .toList();
        long used = records.stream()
                .filter(r -> r.path("status").asInt() == 200)
                .mapToLong(r -> r.path("prompt_tokens").asLong()
                        + r.path("completion_tokens").asLong())
                .sum();
        assertThat(used).as("tokens used by admitted requests").isPositive().isLessThanOrEqualTo(limit);
        List<JsonNode> refused = records.stream()
                .filter(r -> "denied".equals(r.path("decision").asText()))
                .toList();
        assertThat(refused).hasSize(responses.size() - (int) ok).allSatisfy(r -> {
            assertThat(r.path("reason").asText()).isEqualTo(reason);
            assertThat(r.path("limit").asText()).contains(limitText);
        });
    }

    private static List<HttpResponse<String>> parallel(TestGateway gateway, String key, int count) {
        return parallel(gateway, key, count, CHAT);
    }

    private static List<HttpResponse<String>> parallel(TestGateway gateway, String key, int count, String body) {
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < count; i++) {
            futures.add(client.sendAsync(
                    gateway.request("/v1/chat/completions", key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private static void setLimits(TestGateway gateway, String collection, String id, String limits) {
        gateway.admin("PUT", "/admin/" + collection + "/" + id + "/limits", limits);
    }

    private static String keyId(TestGateway gateway, String email) {
        return gateway.admin("GET", "/admin/keys?user=" + email, null)
                .path("data")
                .path(0)
                .path("id")
                .asText();
    }

    private static JsonNode lastChat(TestGateway gateway) {
        List<RecordedRequest> requests = gateway.simulator.requests();
        for (int i = requests.size() - 1; i >= 0; i--) {
            if (requests.get(i).path().equals("/api/chat")) {
                return TestGateway.json(requests.get(i).body());
            }
        }
        throw new AssertionError("no /api/chat request");
    }
}
