package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.MutableClock;
import io.palisade.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission keeps claim keys, limit descriptions and budget periods from one request to the next;
 * these pin the exact refusal texts and headers, and that each follows a change of limits, of the
 * caller (a team joined) and of the clock (across midnight, forwards and back).
 */
class AdmissionCachesTest {
    private static final String CHAT =
            "{\"model\":\"llama3.2:1b\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    private static final String PRICING =
            "limits: {pricing: [{model: \"llama*\", prompt_per_1k: 1.0, completion_per_1k: 2.0}]}";

    /** API requests sent so far, all of which the audit must hold before its last refusal is read. */
    private int requests;

    @Test
    void refusalsNameTheLimitExactlyAndFollowLimitAndTeamChanges(@TempDir Path dir) {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
        try (TestGateway gateway = TestGateway.start(dir, PRICING, "", "", clock)) {
            String key = gateway.userWithKey("names@example.com", List.of("llama3.2:1b"), 0);
            gateway.admin("PUT", "/admin/users/names@example.com/limits", "{\"requests_per_minute\":1}");
            assertThat(post(gateway, key).statusCode()).isEqualTo(200);
            assertRefused(
                    gateway,
                    post(gateway, key),
                    429,
                    "rate_limited",
                    "rate limit reached (user names@example.com: 1 requests per minute); retry after 61s",
                    "user names@example.com: 1 requests per minute");

            gateway.admin("PUT", "/admin/users/names@example.com/limits", "{\"requests_per_minute\":2}");
            assertThat(post(gateway, key).statusCode())
                    .as("the raised limit applies at once")
                    .isEqualTo(200);
            assertRefused(
                    gateway,
                    post(gateway, key),
                    429,
                    "rate_limited",
                    "rate limit reached (user names@example.com: 2 requests per minute); retry after 61s",
                    "user names@example.com: 2 requests per minute");

            gateway.admin(
                    "PUT",
                    "/admin/users/names@example.com/limits",
                    "{\"budgets\":[{\"period\":\"week\",\"cost\":0.000001}]}");
            HttpResponse<String> tooCostly = post(gateway, key);
            assertThat(message(tooCostly))
                    .matches(
                            "this request needs up to \\d+ micro-dollars, more than the limit of"
                                    + " user names@example.com: \\$1\\.0E-6 per week allows at all; lower max_tokens or shorten the prompt");
            assertThat(lastRefusal(gateway).path("limit").asText())
                    .isEqualTo("user names@example.com: $1.0E-6 per week");

            gateway.admin("PUT", "/admin/users/names@example.com/limits", "{}");
            String teamId = gateway.admin("POST", "/admin/teams", "{\"name\":\"ml\",\"allowed_models\":[]}")
                    .path("id")
                    .asText();
            gateway.admin("PUT", "/admin/teams/" + teamId + "/limits", "{\"tokens_per_minute\":10}");
            assertThat(post(gateway, key).statusCode())
                    .as("not in the team yet")
                    .isEqualTo(200);
            gateway.admin("PUT", "/admin/users/names@example.com/team", "{\"team\":\"ml\"}");
            HttpResponse<String> tooBig = post(gateway, key);
            assertThat(tooBig.statusCode()).isEqualTo(400);
            assertThat(message(tooBig))
                    .matches("this request needs up to \\d+ tokens, more than the limit of"
                            + " team ml: 10 tokens per minute allows at all; lower max_tokens or shorten the prompt");
            assertThat(lastRefusal(gateway).path("limit").asText()).isEqualTo("team ml: 10 tokens per minute");
        }
    }

    @Test
    void rateLimitHeadersFollowTheKeysLimits(@TempDir Path dir) {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
        try (TestGateway gateway = TestGateway.start(dir, "", "", "", clock)) {
            String key = gateway.userWithKey("headers@example.com", List.of("llama3.2:1b"));
            String keyId = gateway.admin("GET", "/admin/keys?user=headers@example.com", null)
                    .path("data")
                    .path(0)
                    .path("id")
                    .asText();
            gateway.admin(
                    "PUT", "/admin/keys/" + keyId + "/limits", "{\"requests_per_minute\":5,\"tokens_per_minute\":900}");
            HttpResponse<String> first = post(gateway, key);
            assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).contains("5");
            assertThat(first.headers().firstValue("x-ratelimit-remaining-requests"))
                    .contains("4");
            assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).contains("900");

            gateway.admin(
                    "PUT", "/admin/keys/" + keyId + "/limits", "{\"requests_per_minute\":7,\"tokens_per_minute\":800}");
            HttpResponse<String> second = post(gateway, key);
            assertThat(second.headers().firstValue("x-ratelimit-limit-requests"))
                    .contains("7");
            assertThat(second.headers().firstValue("x-ratelimit-remaining-requests"))
                    .contains("5");
            assertThat(second.headers().firstValue("x-ratelimit-limit-tokens")).contains("800");
        }
    }

    @Test
    void aDailyBudgetNamesItsPeriodAndEndsAtEachMidnightAsTheClockMoves(@TempDir Path dir) {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T23:58:00Z"));
        try (TestGateway gateway = TestGateway.start(dir, "", "", "", clock)) {
            String key = gateway.userWithKey("daily@example.com", List.of("llama3.2:1b"), 0);
            gateway.admin(
                    "PUT",
                    "/admin/users/daily@example.com/limits",
                    "{\"budgets\":[{\"period\":\"day\",\"tokens\":100}]}");
            String refusal = "budget exhausted (user daily@example.com: 100 tokens per day); retry after ";

            HttpResponse<String> first = spendUntilRefused(gateway, key);
            assertRefused(
                    gateway,
                    first,
                    429,
                    "budget_exceeded",
                    refusal + "120s",
                    "user daily@example.com: 100 tokens per day");
            assertThat(first.headers().firstValue("Retry-After")).contains("120");

            clock.set(Instant.parse("2026-11-24T23:59:00Z"));
            HttpResponse<String> nextDay = spendUntilRefused(gateway, key);
            assertRefused(
                    gateway,
                    nextDay,
                    429,
                    "budget_exceeded",
                    refusal + "60s",
                    "user daily@example.com: 100 tokens per day");

            clock.set(Instant.parse("2026-11-23T23:59:30Z"));
            assertRefused(
                    gateway,
                    post(gateway, key),
                    429,
                    "budget_exceeded",
                    refusal + "30s",
                    "user daily@example.com: 100 tokens per day");
        }
    }

    @Test
    void aPerModelLimitHoldsForTheModelsItsPatternMatchesOnly(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String key = gateway.userWithKey("models@example.com", List.of("llama3.2:1b", "vllm-qwen"), 0);
            gateway.admin(
                    "PUT",
                    "/admin/users/models@example.com/limits",
                    "{\"models\":{\"llama*\":{\"requests_per_minute\":1}}}");
            assertThat(post(gateway, key).statusCode()).isEqualTo(200);
            assertRefused(
                    gateway,
                    post(gateway, key),
                    429,
                    "rate_limited",
                    "rate limit reached (user models@example.com for llama*: 1 requests per minute); retry after 61s",
                    "user models@example.com for llama*: 1 requests per minute");
            requests++;
            HttpResponse<String> other =
                    gateway.post("/v1/chat/completions", key, CHAT.replace("llama3.2:1b", "vllm-qwen"));
            assertThat(other.statusCode()).as("vllm-qwen does not match llama*").isEqualTo(200);
        }
    }

    private HttpResponse<String> spendUntilRefused(TestGateway gateway, String key) {
        int admitted = 0;
        HttpResponse<String> response = post(gateway, key);
        while (response.statusCode() == 200) {
            admitted++;
            assertThat(admitted)
                    .as("a budget of 100 tokens admits only a few requests")
                    .isLessThan(20);
            response = post(gateway, key);
        }
        assertThat(admitted).isPositive();
        return response;
    }

    private HttpResponse<String> post(TestGateway gateway, String key) {
        requests++;
        return gateway.post("/v1/chat/completions", key, CHAT);
    }

    private void assertRefused(
            TestGateway gateway, HttpResponse<String> response, int status, String code, String message, String limit) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = TestGateway.json(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isEqualTo(message);
        assertThat(lastRefusal(gateway).path("limit").asText()).isEqualTo(limit);
    }

    private static String message(HttpResponse<String> response) {
        return TestGateway.json(response.body()).path("error").path("message").asText();
    }

    private JsonNode lastRefusal(TestGateway gateway) {
        List<JsonNode> records = gateway.awaitApiRecords(requests);
        for (int i = records.size() - 1; i >= 0; i--) {
            if ("denied".equals(records.get(i).path("decision").asText())) {
                return records.get(i);
            }
        }
        throw new AssertionError("no refusal in the audit");
    }
}
