package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.TestGateway;
import io.palisade.TestPostgres;
import io.palisade.TestRedis;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Two gateways sharing one PostgreSQL database and one Redis act as two replicas: they share
 * nothing else (two object graphs, two simulators, no static state), so what one enforces the
 * other must see through the shared stores.
 */
class TwoReplicasTest {
    private static final String CHAT =
            "{\"model\":\"llama3.2:1b\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    @Test
    void limitsAreSharedAndARevocationReachesTheOtherReplicaWithinFiveSeconds() throws Exception {
        String store = TestPostgres.newDatabaseUrl();
        String limits = "limits: {redis_url: \"" + TestRedis.shared().url() + "\"}";
        try (TestGateway first = TestGateway.startWithStore(store, limits, "", "", Clock.systemUTC());
                TestGateway second = TestGateway.startWithStore(store, limits, "", "", Clock.systemUTC())) {
            String key = first.userWithKey("shared@example.com", List.of("llama3.2:1b"), 10);
            awaitStatus(second, key, 200, Duration.ofSeconds(5));

            String keyId = first.admin("GET", "/admin/keys?user=shared@example.com", null)
                    .path("data")
                    .path(0)
                    .path("id")
                    .asText();
            List<HttpResponse<String>> responses = parallel(List.of(first, second), key, 40);
            long admitted =
                    responses.stream().filter(r -> r.statusCode() == 200).count();
            assertThat(admitted)
                    .as("one requests-per-minute limit of 10 for both replicas (some were used above)")
                    .isPositive()
                    .isLessThanOrEqualTo(9);
            assertThat(responses)
                    .filteredOn(r -> r.statusCode() != 200)
                    .allSatisfy(r -> assertThat(r.body()).contains("rate_limited"));

            String budgeted = first.userWithKey("budgeted@example.com", List.of("llama3.2:1b"), 0);
            first.admin(
                    "PUT",
                    "/admin/users/budgeted@example.com/limits",
                    "{\"budgets\":[{\"period\":\"day\",\"tokens\":300}]}");
            awaitStatus(second, budgeted, 200, Duration.ofSeconds(5));
            awaitBudget(second, budgeted, Duration.ofSeconds(10));
            List<HttpResponse<String>> spent = parallel(List.of(first, second), budgeted, 200);
            assertThat(spent.stream().filter(r -> r.statusCode() == 200).count())
                    .isPositive()
                    .isLessThan(15);
            assertThat(spent)
                    .filteredOn(r -> r.statusCode() != 200)
                    .allSatisfy(r -> assertThat(r.body()).contains("budget_exceeded"));
            // one audit: both replicas write the same chain in the shared store
            long tokens = first.awaitApiRecords(1).stream()
                    .filter(r -> r.path("status").asInt() == 200
                            && "budgeted@example.com".equals(r.path("user").asText()))
                    .mapToLong(r -> r.path("prompt_tokens").asLong()
                            + r.path("completion_tokens").asLong())
                    .sum();
            assertThat(tokens)
                    .as("the daily budget holds across both replicas")
                    .isPositive()
                    .isLessThanOrEqualTo(300);

            long start = System.nanoTime();
            first.admin("POST", "/admin/keys/" + keyId + "/revoke", null);
            awaitStatus(second, key, 401, Duration.ofSeconds(5));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isLessThan(Duration.ofSeconds(5));
            JsonNode refusal = second.awaitApiRecords(1).getLast();
            assertThat(refusal.path("reason").asText()).isEqualTo("key_revoked");
            assertThat(refusal.path("user").asText()).isEqualTo("shared@example.com");
        }
    }

    private static void awaitStatus(TestGateway gateway, String key, int status, Duration within) {
        Await.value(
                within,
                () -> gateway.get("/v1/models", key).statusCode(),
                last -> last == status,
                "status " + status + " on /v1/models");
    }

    /**
     * Waits until {@code gateway} knows the key's 300-token budget: a request that could need more
     * than the whole budget is refused before any counter is touched, so asking costs nothing.
     */
    private static void awaitBudget(TestGateway gateway, String key, Duration within) throws InterruptedException {
        String tooBig = CHAT.replace("\"max_tokens\":20", "\"max_tokens\":400");
        Await.value(
                within,
                () -> gateway.post("/v1/chat/completions", key, tooBig),
                last -> last.statusCode() == 400 && last.body().contains("request_exceeds_limit"),
                "the budget reaching the replica");
    }

    private static List<HttpResponse<String>> parallel(List<TestGateway> replicas, String key, int count) {
        HttpClient client = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestGateway replica = replicas.get(i % replicas.size());
            futures.add(client.sendAsync(
                    replica.request("/v1/chat/completions", key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }
}
