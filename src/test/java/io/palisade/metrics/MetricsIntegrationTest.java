package io.palisade.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.TestGateway;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives allowed, denied, failing and streamed traffic and checks the exact metric movements. */
class MetricsIntegrationTest {
    private static final String CHAT =
            "{\"model\":\"%s\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ROUTE = "/v1/chat/completions";

    @Test
    void countersAndHistogramsMoveExactlyAsTrafficDoes(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir, "metrics: {token: \"scrape-token-123\"}")) {
            String key = gateway.userWithKey("metrics@example.com", List.of("llama3.2:1b", "broken-model"), 2);
            Scrape before = scrape(gateway);

            assertThat(gateway.post(ROUTE, key, CHAT.formatted("llama3.2:1b")).statusCode())
                    .isEqualTo(200);
            assertThat(gateway.post(ROUTE, key, CHAT.formatted("qwen3:0.6b")).statusCode())
                    .isEqualTo(403);
            assertThat(gateway.post(ROUTE, key, CHAT.formatted("broken-model")).statusCode())
                    .isEqualTo(502);
            assertThat(gateway.post(ROUTE, key, CHAT.formatted("llama3.2:1b")).statusCode())
                    .isEqualTo(429);
            gateway.awaitApiRecords(4);
            Scrape after = scrape(gateway);

            assertThat(delta(
                            before,
                            after,
                            "palisade_requests_total",
                            "route",
                            ROUTE,
                            "model",
                            "llama3.2:1b",
                            "backend",
                            "local",
                            "status_class",
                            "2xx",
                            "decision",
                            "allowed"))
                    .isEqualTo(1);
            assertThat(delta(
                            before,
                            after,
                            "palisade_requests_total",
                            "route",
                            ROUTE,
                            "model",
                            "-",
                            "backend",
                            "-",
                            "status_class",
                            "4xx",
                            "decision",
                            "model_access_denied"))
                    .isEqualTo(1);
            assertThat(delta(
                            before,
                            after,
                            "palisade_requests_total",
                            "route",
                            ROUTE,
                            "model",
                            "broken-model",
                            "backend",
                            "down",
                            "status_class",
                            "5xx",
                            "decision",
                            "allowed"))
                    .isEqualTo(1);
            assertThat(delta(
                            before,
                            after,
                            "palisade_requests_total",
                            "route",
                            ROUTE,
                            "model",
                            "-",
                            "backend",
                            "-",
                            "status_class",
                            "4xx",
                            "decision",
                            "rate_limited"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "palisade_refusals_total", "reason", "rate_limited"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "palisade_upstream_errors_total", "backend", "down", "kind", "connect"))
                    .isEqualTo(1);
            assertThat(delta(
                            before,
                            after,
                            "palisade_request_duration_seconds_count",
                            "route",
                            ROUTE,
                            "model",
                            "llama3.2:1b",
                            "backend",
                            "local"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "palisade_upstream_duration_seconds_count", "backend", "local"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "palisade_gateway_overhead_seconds_count", "route", ROUTE))
                    .isEqualTo(2);
            assertThat(after.sum("palisade_tokens_total", "model", "llama3.2:1b", "kind", "completion")
                            - before.sum("palisade_tokens_total", "model", "llama3.2:1b", "kind", "completion"))
                    .isBetween(1.0, 8.0);
            assertThat(after.value("palisade_requests_in_flight")).isZero();
            assertThat(after.value("palisade_backend_up", "backend", "local")).isEqualTo(1);
            assertThat(after.value("palisade_backend_up", "backend", "down")).isZero();
            assertThat(after.has("jvm_memory_used_bytes")).isTrue();
            assertThat(after.value("palisade_audit_commit_seconds_count")).isPositive();
            assertThat(after.has("palisade_audit_queue_depth") || after.value("palisade_audit_queue_depth") == 0)
                    .isTrue();
        }
    }

    @Test
    void streamsRecordTimeToFirstTokenAndTokensPerSecond(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String key = gateway.userWithKey("stream@example.com", List.of("llama3.2:1b"), 0);
            Scrape before = scrape(gateway);
            gateway.post(
                    ROUTE,
                    key,
                    CHAT.formatted("llama3.2:1b").replace("\"max_tokens\":8", "\"stream\":true,\"max_tokens\":8"));
            gateway.awaitApiRecords(1);
            Scrape after = scrape(gateway);
            assertThat(delta(
                            before,
                            after,
                            "palisade_time_to_first_token_seconds_count",
                            "model",
                            "llama3.2:1b",
                            "backend",
                            "local"))
                    .isEqualTo(1);
            assertThat(delta(
                            before,
                            after,
                            "palisade_stream_tokens_per_second_count",
                            "model",
                            "llama3.2:1b",
                            "backend",
                            "local"))
                    .isEqualTo(1);
        }
    }

    @Test
    void perUserSeriesAreOffByDefaultAndCappedWhenOn(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir, "metrics: {per_user: true, max_users: 2}")) {
            // the administrator setting the users up takes the first label
            String first = gateway.userWithKey("first@example.com", List.of("llama3.2:1b"), 0);
            String second = gateway.userWithKey("second@example.com", List.of("llama3.2:1b"), 0);
            gateway.post(ROUTE, first, CHAT.formatted("llama3.2:1b"));
            gateway.post(ROUTE, second, CHAT.formatted("llama3.2:1b"));
            Scrape scrape = scrape(gateway);
            assertThat(scrape.value("palisade_user_requests_total", "user", "first@example.com", "decision", "allowed"))
                    .isEqualTo(1);
            assertThat(scrape.value("palisade_user_requests_total", "user", "other", "decision", "allowed"))
                    .isEqualTo(1);
            assertThat(scrape.has("palisade_user_tokens_total")).isTrue();
        }
        try (TestGateway gateway = TestGateway.start(dir.resolve("off"))) {
            assertThat(scrape(gateway).has("palisade_user_requests_total")).isFalse();
        }
    }

    @Test
    void scrapingNeedsTheTokenOrAnAdminKey(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir, "metrics: {token: \"scrape-token-123\"}")) {
            String key = gateway.userWithKey("nosy@example.com", List.of("*"));
            assertError(gateway.get("/metrics", null), 401, "missing_api_key");
            assertError(gateway.get("/metrics", "pal_no_such_key_at_all_0123456789"), 401, "invalid_api_key");
            // A valid key is not an invalid one: it lacks the permission (was 401 invalid_api_key).
            assertError(gateway.get("/metrics", key), 403, "admin_required");
            assertThat(gateway.get("/metrics", "scrape-token-123").statusCode()).isEqualTo(200);
            HttpResponse<String> admin = gateway.get("/metrics", TestGateway.ADMIN_KEY);
            assertThat(admin.statusCode()).isEqualTo(200);
            assertThat(admin.body()).contains("# TYPE palisade_requests_total counter");
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(TestGateway.json(response.body()).path("error").path("code").asText())
                .isEqualTo(code);
    }

    private static Scrape scrape(TestGateway gateway) {
        HttpResponse<String> response = gateway.get("/metrics", TestGateway.ADMIN_KEY);
        assertThat(response.statusCode()).isEqualTo(200);
        return Scrape.parse(response.body());
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }
}
