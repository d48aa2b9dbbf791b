package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.MutableClock;
import io.palisade.TestGateway;
import io.palisade.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budgets reset on their own at the period boundary; shared counters that are down fail closed (or open). */
class BudgetPeriodAndFailureTest {
    private static final String CHAT =
            "{\"model\":\"llama3.2:1b\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    @Test
    void aDailyBudgetRefusesUntilMidnightUtcThenResets(@TempDir Path dir) {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T23:58:00Z"));
        try (TestGateway gateway = TestGateway.start(dir, "", "", "", clock)) {
            String key = gateway.userWithKey("daily@example.com", List.of("llama3.2:1b"), 0);
            String keyId = gateway.admin("GET", "/admin/keys?user=daily@example.com", null)
                    .path("data")
                    .path(0)
                    .path("id")
                    .asText();
            gateway.admin(
                    "PUT", "/admin/keys/" + keyId + "/limits", "{\"budgets\":[{\"period\":\"day\",\"tokens\":100}]}");
            int admitted = 0;
            HttpResponse<String> response = gateway.post("/v1/chat/completions", key, CHAT);
            while (response.statusCode() == 200) {
                admitted++;
                response = gateway.post("/v1/chat/completions", key, CHAT);
            }
            assertThat(admitted).isBetween(1, 5);
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.body()).contains("budget_exceeded");
            assertThat(Long.parseLong(
                            response.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(60L, 120L);

            clock.set(Instant.parse("2026-11-24T00:00:01Z"));
            assertThat(gateway.post("/v1/chat/completions", key, CHAT).statusCode())
                    .as("a new day, a new budget")
                    .isEqualTo(200);
        }
    }

    @Test
    void sharedCountersDownFailClosedWithAnAuditedRefusalOrOpenIfConfigured(@TempDir Path dir) {
        String down = "redis://127.0.0.1:" + TestRedis.closedPort();
        try (TestGateway gateway = TestGateway.start(dir.resolve("closed"), "limits: {redis_url: \"" + down + "\"}")) {
            String key = gateway.userWithKey("closed@example.com", List.of("llama3.2:1b"));
            HttpResponse<String> response = gateway.post("/v1/chat/completions", key, CHAT);
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("limits_unavailable");
            JsonNode record = gateway.awaitApiRecords(1).getLast();
            assertThat(record.path("decision").asText()).isEqualTo("denied");
            assertThat(record.path("reason").asText()).isEqualTo("limits_unavailable");
            assertThat(record.path("user").asText()).isEqualTo("closed@example.com");
        }
        try (TestGateway gateway =
                TestGateway.start(dir.resolve("open"), "limits: {redis_url: \"" + down + "\", redis_failure: open}")) {
            String key = gateway.userWithKey("open@example.com", List.of("llama3.2:1b"));
            assertThat(gateway.post("/v1/chat/completions", key, CHAT).statusCode())
                    .isEqualTo(200);
        }
    }
}
