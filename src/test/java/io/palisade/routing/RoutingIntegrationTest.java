package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.MutableClock;
import io.palisade.TestGateway;
import io.palisade.simulate.Simulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several simulators behind one gateway: weights, failover, retries, breakers and fallbacks over real HTTP. */
class RoutingIntegrationTest {
    private static final String TWO_DEPLOYMENTS = """
            models:
              - name: chat
                deployments:
                  - {backend: a, upstream_model: "llama3.2:1b", weight: 3}
                  - {backend: b, upstream_model: "llama3.2:1b", weight: 1}
            """;

    @Test
    void weightsAreHonouredWithinStatisticalTolerance(@TempDir Path dir) {
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, Map.of("a", RoutingFixture.simulator(), "b", RoutingFixture.simulator()), TWO_DEPLOYMENTS)) {
            int requests = 400;
            for (int i = 0; i < requests; i++) {
                assertThat(fixture.chat("chat").statusCode()).isEqualTo(200);
            }
            // Binomial(400, 0.75): mean 300, standard deviation 8.7; five deviations either side.
            assertThat(fixture.served("a")).isBetween(257L, 343L);
            assertThat(fixture.served("a") + fixture.served("b")).isEqualTo(requests);

            Map<String, String> onB = Map.of("X-Palisade-Deployment", "b/llama3.2:1b");
            HttpResponse<String> refused = fixture.chat("chat", false, fixture.key, onB);
            assertThat(refused.statusCode())
                    .as("ordinary keys may not choose a deployment")
                    .isEqualTo(403);
            assertThat(refused.body()).contains("admin_required").contains("X-Palisade-Deployment");
            String operator = fixture.admin(
                            "POST",
                            "/admin/keys",
                            "{\"user\":\"admin@palisade.local\",\"admin\":true,\"allowed_models\":[\"*\"]}")
                    .path("key")
                    .asText();
            fixture.clearCounts();
            for (int i = 0; i < 5; i++) {
                assertThat(fixture.chat("chat", false, operator, onB).statusCode())
                        .isEqualTo(200);
            }
            assertThat(fixture.served("b"))
                    .as("an administrator's chosen deployment answers every time")
                    .isEqualTo(5);
            assertThat(fixture.chat("chat", false, operator, Map.of("X-Palisade-Deployment", "nowhere"))
                            .statusCode())
                    .isEqualTo(400);
        }
    }

    @Test
    void aRequestConfinedToOneDeploymentMayUseADrainedOneAndNeverFallsBack(@TempDir Path dir) {
        try (RoutingFixture fixture = RoutingFixture.start(
                dir,
                Map.of(
                        "a",
                        RoutingFixture.simulator(),
                        "drained",
                        RoutingFixture.simulator(),
                        "dead",
                        RoutingFixture.simulator()),
                """
                models:
                  - name: chat
                    deployments:
                      - {backend: a, upstream_model: "llama3.2:1b"}
                      - {backend: drained, upstream_model: "llama3.2:1b", weight: 0}
                      - {backend: dead, upstream_model: "llama3.2:1b"}
                  - {name: backup, backend: a, upstream_model: "qwen3:0.6b"}
                routing: {retry: {max_attempts: 2, backoff: 10ms}}
                """)) {
            fixture.simulators.get("dead").close();
            String operator = fixture.admin(
                            "POST",
                            "/admin/keys",
                            "{\"user\":\"admin@palisade.local\",\"admin\":true,"
                                    + "\"allowed_models\":[\"*\"],\"fallback_models\":[\"backup\"]}")
                    .path("key")
                    .asText();

            HttpResponse<String> drained =
                    fixture.chat("chat", false, operator, Map.of("X-Palisade-Deployment", "drained/llama3.2:1b"));
            assertThat(drained.statusCode()).as(drained.body()).isEqualTo(200);
            assertThat(drained.headers().firstValue("x-palisade-served-model")).isEmpty();
            assertThat(fixture.served("drained"))
                    .as("weight 0 drains a deployment, it does not hide it from its operator")
                    .isEqualTo(1);

            fixture.clearCounts();
            HttpResponse<String> dead =
                    fixture.chat("chat", false, operator, Map.of("X-Palisade-Deployment", "dead/llama3.2:1b"));
            assertThat(dead.statusCode()).as("no fallback, not even the key's").isEqualTo(502);
            assertThat(dead.headers().firstValue("x-palisade-attempts")).hasValue("2");
            assertThat(dead.headers().firstValue("x-palisade-served-model")).isEmpty();
            assertThat(fixture.served("a")).isZero();
        }
    }

    @Test
    void aDeadDeploymentIsFailedOverBeforeTheFirstByteAndTheAuditNamesEveryAttempt(@TempDir Path dir) {
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, Map.of("a", RoutingFixture.simulator(), "b", RoutingFixture.simulator()), TWO_DEPLOYMENTS)) {
            fixture.simulators.get("a").close();
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(fixture.chat("chat"));
            }
            assertThat(answers)
                    .allSatisfy(answer ->
                            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200));
            assertThat(answers)
                    .anySatisfy(answer -> assertThat(answer.headers().firstValue("x-palisade-attempts"))
                            .hasValue("2"));
            assertThat(fixture.served("b")).isEqualTo(20);
            JsonNode retried = fixture.chatRecords().stream()
                    .filter(r -> r.path("attempts").size() == 2)
                    .findFirst()
                    .orElseThrow();
            assertThat(retried.path("deployment").asText()).isEqualTo("b/llama3.2:1b");
            assertThat(retried.path("attempts").path(0).path("deployment").asText())
                    .isEqualTo("a/llama3.2:1b");
            assertThat(retried.path("attempts").path(0).path("outcome").asText())
                    .isEqualTo("upstream_unreachable");
            assertThat(retried.path("attempts").path(1).path("outcome").asText())
                    .isEqualTo("ok");
        }
    }

    @Test
    void theBreakerOpensHalfOpensAndClosesAgain(@TempDir Path dir) throws Exception {
        // The cool-down passes on the gateway's clock, moved by the test, not on the wall clock.
        MutableClock clock = new MutableClock(Instant.now());
        try (RoutingFixture fixture = RoutingFixture.start(
                dir,
                Map.of("a", RoutingFixture.simulator(), "b", RoutingFixture.simulator()),
                TWO_DEPLOYMENTS + "routing: {circuit_breaker: {failures: 3, cool_down: 1s}}\n",
                clock)) {
            Simulator a = fixture.simulators.get("a");
            // Revived below on this same port on purpose: the breaker guards a backend at its configured
            // address, and "the backend came back" means something answers there again.
            int port = a.port();
            a.close();
            // Bounded, so that a breaker that never opens fails the test instead of hanging it.
            for (int i = 0;
                    i < 100
                            && !"open"
                                    .equals(deployment(fixture, "a/llama3.2:1b")
                                            .path("breaker")
                                            .asText());
                    i++) {
                assertThat(fixture.chat("chat").statusCode()).isEqualTo(200);
            }
            assertThat(deployment(fixture, "a/llama3.2:1b").path("breaker").asText())
                    .as("three failures open it")
                    .isEqualTo("open");
            fixture.clearCounts();
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> answer = fixture.chat("chat");
                assertThat(answer.headers().firstValue("x-palisade-attempts"))
                        .as("an open breaker is not tried")
                        .hasValue("1");
            }
            clock.advance(Duration.ofMillis(1100));
            assertThat(fixture.chat("chat").statusCode()).isEqualTo(200);
            assertThat(deployment(fixture, "a/llama3.2:1b").path("breaker").asText())
                    .as("a failed trial opens it again")
                    .isEqualTo("open");

            Simulator revived = new Simulator(RoutingFixture.simulator().withPort(port)).start();
            fixture.simulators.put("a", revived);
            clock.advance(Duration.ofMillis(1100));
            for (int i = 0; i < 40 && revived.requests().isEmpty(); i++) {
                assertThat(fixture.chat("chat").statusCode()).isEqualTo(200);
            }
            assertThat(deployment(fixture, "a/llama3.2:1b").path("breaker").asText())
                    .as("a good trial closes it")
                    .isEqualTo("closed");
        }
    }

    @Test
    void aStreamIsRetriedOnlyBeforeItsFirstByte(@TempDir Path dir) {
        Map<String, io.palisade.simulate.SimulatorConfig> simulators = Map.of(
                "a",
                RoutingFixture.simulator().withDisconnectRate(1.0),
                "b",
                RoutingFixture.simulator().withErrorRate(1.0));
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, simulators, """
                models:
                  - {name: cut, backend: a}
                  - {name: failing, backend: b, fallbacks: [cut]}
                """.replace("backend: a}", "backend: a, upstream_model: \"llama3.2:1b\"}")
                        .replace("backend: b,", "backend: b, upstream_model: \"llama3.2:1b\","))) {
            HttpResponse<String> cut = fixture.chat("cut", true, fixture.key, Map.of());
            assertThat(cut.statusCode()).isEqualTo(200);
            assertThat(cut.body()).contains("\"error\"").doesNotContain("[DONE]");
            assertThat(cut.headers().firstValue("x-palisade-attempts")).hasValue("1");
            assertThat(fixture.served("a"))
                    .as("a stream that began is never sent again")
                    .isEqualTo(1);

            fixture.clearCounts();
            HttpResponse<String> failing = fixture.chat("failing", true, fixture.key, Map.of());
            assertThat(fixture.served("b"))
                    .as("500s before the first byte are retried")
                    .isEqualTo(3);
            assertThat(failing.headers().firstValue("x-palisade-served-model")).hasValue("cut");
            assertThat(failing.headers().firstValue("x-palisade-attempts")).hasValue("4");
        }
    }

    @Test
    void streamsCutMidwayCountAgainstTheDeploymentOnceEach(@TempDir Path dir) {
        try (RoutingFixture fixture =
                RoutingFixture.start(dir, Map.of("a", RoutingFixture.simulator().withDisconnectRate(1.0)), """
                models:
                  - {name: cut, backend: a, upstream_model: "llama3.2:1b"}
                routing: {circuit_breaker: {failures: 3, cool_down: 1m}}
                """)) {
            for (int i = 0; i < 3; i++) {
                assertThat(fixture.chat("cut", true, fixture.key, Map.of()).body())
                        .contains("\"error\"")
                        .doesNotContain("[DONE]");
            }
            JsonNode deployment = fixture.status("cut").path("deployments").path(0);
            assertThat(deployment.path("breaker").asText())
                    .as("three breaks in a row open the breaker")
                    .isEqualTo("open");
            assertThat(deployment.path("recent").path("requests").asLong()).isEqualTo(3);
            assertThat(deployment.path("recent").path("errors").asLong()).isEqualTo(3);
        }
    }

    @Test
    void fallbacksFollowTheKeyBeforeTheModelAndSkipModelsTheKeyMayNotUse(@TempDir Path dir) {
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, Map.of("a", RoutingFixture.simulator(), "dead", RoutingFixture.simulator()), """
                models:
                  - {name: primary, backend: dead, upstream_model: "llama3.2:1b", fallbacks: [secret, backup]}
                  - {name: secret, backend: a, upstream_model: "qwen3:0.6b"}
                  - {name: backup, backend: a, upstream_model: "llama3.2:1b"}
                  - {name: keyed, backend: a, upstream_model: "qwen3:0.6b"}
                routing: {retry: {max_attempts: 1}}
                """)) {
            fixture.simulators.get("dead").close();
            fixture.admin("POST", "/admin/users", "{\"email\":\"limited@example.com\"}");
            String limited = fixture.admin(
                            "POST",
                            "/admin/keys",
                            "{\"user\":\"limited@example.com\",\"allowed_models\":[\"primary\",\"backup\"]}")
                    .path("key")
                    .asText();
            HttpResponse<String> answer = fixture.chat("primary", false, limited, Map.of());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("x-palisade-served-model"))
                    .as("'secret' is not granted")
                    .hasValue("backup");
            assertThat(TestGateway.json(answer.body()).path("model").asText()).isEqualTo("backup");

            String keyId = fixture.admin("GET", "/admin/keys?user=dev@example.com", null)
                    .path("data")
                    .path(0)
                    .path("id")
                    .asText();
            fixture.admin("PUT", "/admin/keys/" + keyId + "/fallbacks", "{\"fallback_models\":[\"keyed\"]}");
            HttpResponse<String> keyed = fixture.chat("primary");
            assertThat(keyed.headers().firstValue("x-palisade-served-model")).hasValue("keyed");
            JsonNode record = fixture.chatRecords().get(fixture.chatRecords().size() - 1);
            assertThat(record.path("served_model").asText()).isEqualTo("keyed");
            assertThat(record.path("model").asText()).isEqualTo("primary");
        }
    }

    @Test
    void whenEverythingFailsTheCallerGetsOneClearErrorAndTheAuditHasTheAttempts(@TempDir Path dir) {
        try (RoutingFixture fixture =
                RoutingFixture.start(dir, Map.of("a", RoutingFixture.simulator().withErrorRate(1.0)), """
                models:
                  - {name: chat, backend: a, upstream_model: "llama3.2:1b"}
                routing: {retry: {max_attempts: 2, backoff: 10ms}}
                """)) {
            HttpResponse<String> answer = fixture.chat("chat");
            assertThat(answer.statusCode()).isEqualTo(502);
            assertThat(answer.body()).contains("after 2 attempts").doesNotContain("127.0.0.1");
            assertThat(answer.headers().firstValue("x-palisade-attempts")).hasValue("2");
            JsonNode record = fixture.chatRecords().get(0);
            assertThat(record.path("attempts").size()).isEqualTo(2);
            assertThat(record.path("status").asInt()).isEqualTo(502);
        }
    }

    @Test
    void failoverUnderLoadWhenADeploymentDiesMidRunLosesNoRequest(@TempDir Path dir) throws Exception {
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, Map.of("a", RoutingFixture.simulator(), "b", RoutingFixture.simulator()), TWO_DEPLOYMENTS)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                boolean stream = i % 2 == 0;
                results.add(pool.submit(() ->
                        fixture.chat("chat", stream, fixture.key, Map.of()).statusCode()));
                if (i == 100) {
                    fixture.simulators.get("a").close();
                }
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(200);
            }
            pool.shutdown();
        }
    }

    static JsonNode deployment(RoutingFixture fixture, String id) {
        for (JsonNode deployment : fixture.status("chat").path("deployments")) {
            if (deployment.path("id").asText().equals(id)) {
                return deployment;
            }
        }
        throw new AssertionError("no deployment " + id);
    }
}
