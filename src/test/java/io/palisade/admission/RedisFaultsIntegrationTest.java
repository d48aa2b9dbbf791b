package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Await;
import io.palisade.TestGateway;
import io.palisade.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** A gateway on a Redis of its own that loses its data, goes away and comes back. */
class RedisFaultsIntegrationTest {
    private static final String CHAT =
            "{\"model\":\"llama3.2:1b\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    private static final int BUDGET = 300;

    @TempDir
    Path dir;

    @Test
    void aBudgetHoldsWhenRedisLosesItsData() throws Exception {
        try (TestRedis redis = TestRedis.start();
                TestGateway gateway = TestGateway.start(dir, "limits: {redis_url: \"" + redis.url() + "\"}");
                RedisClient client = RedisClient.create(redis.url())) {
            String key = gateway.userWithKey("budgeted@example.com", List.of("llama3.2:1b"), 0);
            gateway.admin(
                    "PUT",
                    "/admin/users/budgeted@example.com/limits",
                    "{\"budgets\":[{\"period\":\"day\",\"tokens\":" + BUDGET + "}]}");
            await(
                    () -> gateway.post(
                                    "/v1/chat/completions",
                                    key,
                                    CHAT.replace("\"max_tokens\":20", "\"max_tokens\":400"))
                            .body()
                            .contains("request_exceeds_limit"),
                    Duration.ofSeconds(10),
                    "the budget is known");

            long spent = 0;
            while (spent < BUDGET / 2) {
                HttpResponse<String> answer = gateway.post("/v1/chat/completions", key, CHAT);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                spent += tokens(answer);
            }
            client.flushAll(); // what a failover to an empty replica does too

            int refused = 0;
            for (int i = 0; i < 100 && refused == 0; i++) {
                HttpResponse<String> answer = gateway.post("/v1/chat/completions", key, CHAT);
                if (answer.statusCode() == 200) {
                    spent += tokens(answer);
                } else {
                    assertThat(answer.body()).contains("budget_exceeded");
                    refused++;
                }
            }
            assertThat(refused).as("the budget ran out").isPositive();
            assertThat(spent).as("tokens spent across the loss of Redis' data").isLessThanOrEqualTo(BUDGET);
        }
    }

    @Test
    void readinessSaysWhenAdmissionCannotWorkAndRequestsAreAdmittedSoonAfterRedisIsBack() throws Exception {
        TestRedis redis = TestRedis.start();
        int port = redis.port();
        try (TestGateway gateway = TestGateway.start(dir, "limits: {redis_url: \"" + redis.url() + "\"}")) {
            String key = gateway.userWithKey("ready@example.com", List.of("llama3.2:1b"), 1000);
            await(
                    () -> gateway.get("/health/ready", null).statusCode() == 200,
                    Duration.ofSeconds(10),
                    "ready with Redis up");
            redis.close();
            await(
                    () -> gateway.get("/health/ready", null).statusCode() == 503,
                    Duration.ofSeconds(5),
                    "not ready without Redis");
            assertThat(gateway.post("/v1/chat/completions", key, CHAT).body()).contains("limits_unavailable");

            // The same port on purpose: what is tested is recovery when Redis comes back at the address
            // the gateway was configured with, which a port of the system's choosing would not be.
            redis = TestRedis.startOn(port);
            long back = System.nanoTime();
            await(
                    () -> gateway.post("/v1/chat/completions", key, CHAT).statusCode() == 200,
                    Duration.ofSeconds(10),
                    "admitting again");
            assertThat(Duration.ofNanos(System.nanoTime() - back))
                    .as("admitting again after Redis is back")
                    .isLessThan(Duration.ofSeconds(2));
            await(() -> gateway.get("/health/ready", null).statusCode() == 200, Duration.ofSeconds(2), "ready again");
        } finally {
            redis.close();
        }
    }

    private static long tokens(HttpResponse<String> answer) {
        return TestGateway.json(answer.body())
                .path("usage")
                .path("total_tokens")
                .asLong();
    }

    private static void await(BooleanSupplier condition, Duration within, String what) {
        Await.until(within, condition, what);
    }
}
