package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.cli.CliRun;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, items 5 and 23: a key's creation flag ({@code keys create --rpm}) and
 * {@code admin limits set key} write the same place, the last write wins, and {@code limits show}
 * prints what admission enforces; and a key without limits still has its answered requests counted.
 * Before the fix the flag lived in its own column and silently overrode the limits (all 200 passed
 * under a shown limit of 10), and a key with no limit at all recorded no usage.
 */
class KeyLimitsSourceOfTruthTest {
    private static final String CHAT =
            "{\"model\":\"llama3.2:1b\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void limitsSetAfterCreatingWithNoLimitAreWhatIsShownAndEnforced(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String[] server = {"--url", gateway.baseUrl(), "--admin-key", TestGateway.ADMIN_KEY};
            gateway.admin("POST", "/admin/users", "{\"email\":\"flag@example.com\"}");
            CliRun created = CliRun.of(concat(
                    new String[] {
                        "admin", "keys", "create", "--user", "flag@example.com", "--models", "llama3.2:1b", "--rpm", "0"
                    },
                    server));
            assertThat(created.exit()).as(created.err()).isZero();
            String token =
                    created.out().lines().skip(1).findFirst().orElseThrow().replaceAll(".*(pal_\\S+).*", "$1");
            String keyId = keyId(gateway, "flag@example.com");
            assertThat(gateway.admin("GET", "/admin/keys/" + keyId + "/limits", null)
                            .path("requests_per_minute")
                            .asInt())
                    .as("the creation flag is shown as the key's limit")
                    .isZero();

            CliRun set = CliRun.of(concat(
                    new String[] {"admin", "limits", "set", "key", keyId, "{\"requests_per_minute\":10}"}, server));
            assertThat(set.exit()).as(set.err()).isZero();
            CliRun show = CliRun.of(concat(new String[] {"admin", "limits", "show", "key", keyId}, server));
            assertThat(show.out()).contains("\"requests_per_minute\" : 10");

            List<HttpResponse<String>> responses = parallel(gateway, token, 200);
            assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 429));
            assertThat(responses.stream().filter(r -> r.statusCode() == 200).count())
                    .as("exactly the shown limit passes")
                    .isEqualTo(10);
            assertThat(responses)
                    .filteredOn(r -> r.statusCode() == 429)
                    .allSatisfy(r -> assertThat(r.body()).contains("10 requests per minute"));
            assertThat(gateway.admin("GET", "/admin/keys?user=flag@example.com", null)
                            .path("data")
                            .path(0)
                            .path("requests_per_minute")
                            .asInt())
                    .isEqualTo(10);
        }
    }

    @Test
    void clearingTheLimitAfterCreatingWithOneIsWhatIsShownAndEnforced(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String token = gateway.userWithKey("reverse@example.com", List.of("llama3.2:1b"), 10);
            String keyId = keyId(gateway, "reverse@example.com");
            assertThat(gateway.admin("GET", "/admin/keys/" + keyId + "/limits", null)
                            .path("requests_per_minute")
                            .asInt())
                    .isEqualTo(10);

            JsonNode answered = gateway.admin("PUT", "/admin/keys/" + keyId + "/limits", "{\"requests_per_minute\":0}");
            assertThat(answered.path("requests_per_minute").asInt()).isZero();
            assertThat(gateway.admin("GET", "/admin/keys/" + keyId + "/limits", null)
                            .path("requests_per_minute")
                            .asInt())
                    .isZero();

            List<HttpResponse<String>> responses = parallel(gateway, token, 200);
            // None is refused by admission; the simulator may time some out under 200 at once on a busy machine.
            assertThat(responses).noneSatisfy(r -> assertThat(r.statusCode()).isEqualTo(429));
            assertThat(responses.stream().filter(r -> r.statusCode() == 200).count())
                    .as("far more than the old limit of 10")
                    .isGreaterThan(10);
        }
    }

    /** A key whose limits leave requests per minute unset shows, and is held to, the configured default. */
    @Test
    void aKeyWithoutItsOwnLimitShowsTheDefaultItIsHeldTo(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir, "limits: {default_requests_per_minute: 7}")) {
            String token = gateway.userWithKey("default@example.com", List.of("llama3.2:1b"));
            String keyId = keyId(gateway, "default@example.com");
            assertThat(gateway.admin("GET", "/admin/keys/" + keyId + "/limits", null)
                            .path("requests_per_minute")
                            .asInt())
                    .isEqualTo(7);
            assertThat(parallel(gateway, token, 30).stream()
                            .filter(r -> r.statusCode() == 200)
                            .count())
                    .isEqualTo(7);
        }
    }

    /** Rotation keeps the key's limits (it kept only the creation flag before, and dropped limits set later). */
    @Test
    void aRotatedKeyKeepsItsLimits(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            gateway.userWithKey("rotate@example.com", List.of("llama3.2:1b"), 0);
            String keyId = keyId(gateway, "rotate@example.com");
            gateway.admin(
                    "PUT", "/admin/keys/" + keyId + "/limits", "{\"requests_per_minute\":3,\"tokens_per_minute\":900}");
            String rotatedId = gateway.admin("POST", "/admin/keys/" + keyId + "/rotate", null)
                    .path("id")
                    .asText();
            JsonNode limits = gateway.admin("GET", "/admin/keys/" + rotatedId + "/limits", null);
            assertThat(limits.path("requests_per_minute").asInt()).isEqualTo(3);
            assertThat(limits.path("tokens_per_minute").asInt()).isEqualTo(900);
        }
    }

    /** Item 23: every answered request counts in usage, whether or not any limit applies to its key. */
    @Test
    void aKeyWithoutLimitsHasItsRequestsInTheUsageReport(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String unlimited = gateway.userWithKey("unlimited@example.com", List.of("llama3.2:1b"), 0);
            String limited = gateway.userWithKey("limited@example.com", List.of("llama3.2:1b"));
            for (int i = 0; i < 3; i++) {
                assertThat(gateway.post("/v1/chat/completions", unlimited, CHAT).statusCode())
                        .isEqualTo(200);
                assertThat(gateway.post("/v1/chat/completions", limited, CHAT).statusCode())
                        .isEqualTo(200);
            }
            gateway.palisade.flushUsage();
            JsonNode report = gateway.admin("GET", "/admin/usage?by=key", null);
            for (String email : List.of("unlimited@example.com", "limited@example.com")) {
                String keyId = keyId(gateway, email);
                assertThat(report.path("data")).as(email).anySatisfy(row -> {
                    assertThat(row.path("key").asText()).isEqualTo(keyId);
                    assertThat(row.path("requests").asInt()).isEqualTo(3);
                    assertThat(row.path("completion_tokens").asInt()).isPositive();
                });
            }
        }
    }

    private static List<HttpResponse<String>> parallel(TestGateway gateway, String key, int count) {
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < count; i++) {
            futures.add(client.sendAsync(
                    gateway.request("/v1/chat/completions", key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private static String keyId(TestGateway gateway, String email) {
        return gateway.admin("GET", "/admin/keys?user=" + email, null)
                .path("data")
                .path(0)
                .path("id")
                .asText();
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
