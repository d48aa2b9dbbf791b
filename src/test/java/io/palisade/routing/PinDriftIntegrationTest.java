package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.metrics.Scrape;
import io.palisade.simulate.Simulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pinned deployment whose backend starts serving other weights stops getting traffic, audibly. */
class PinDriftIntegrationTest {
    @Test
    void aDriftedDeploymentIsMarkedAuditedCountedAndTakenOutOfTraffic(@TempDir Path dir) throws Exception {
        String digest = servedDigest();
        String models = """
                models:
                  - name: chat
                    deployments:
                      - {backend: a, upstream_model: "llama3.2:1b", pin: "%s"}
                      - {backend: b, upstream_model: "llama3.2:1b", pin: "%s"}
                """.formatted(digest, digest);
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, Map.of("a", RoutingFixture.simulator(), "b", RoutingFixture.simulator()), models)) {
            assertThat(verify(fixture))
                    .allSatisfy(
                            check -> assertThat(check.path("status").asText()).isEqualTo("match"));

            fixture.simulators.get("a").setModelDigest(RoutingFixture.MODEL, "f".repeat(64));
            JsonNode checks = verify(fixture);
            assertThat(checks.path(0).path("status").asText()).isEqualTo("drifted");
            assertThat(checks.path(0).path("served").asText()).isEqualTo("f".repeat(64));
            assertThat(RoutingIntegrationTest.deployment(fixture, "a/llama3.2:1b")
                            .path("drifted")
                            .asBoolean())
                    .isTrue();

            fixture.clearCounts();
            for (int i = 0; i < 20; i++) {
                assertThat(fixture.chat("chat").statusCode()).isEqualTo(200);
            }
            assertThat(fixture.served("a"))
                    .as("a drifted deployment gets no traffic")
                    .isZero();
            Scrape metrics =
                    Scrape.parse(fixture.adminCall("GET", "/metrics", null).body());
            assertThat(metrics.value("palisade_deployment_drifted", "deployment", "a/llama3.2:1b", "model", "chat"))
                    .isEqualTo(1.0);
            assertThat(fixture.admin("GET", "/admin/audit?limit=10000", null)
                            .path("data")
                            .toString())
                    .contains("\"action\":\"model.drift\"")
                    .contains("\"traffic_stopped\":true");

            fixture.simulators.get("a").setModelDigest(RoutingFixture.MODEL, digest);
            verify(fixture);
            assertThat(RoutingIntegrationTest.deployment(fixture, "a/llama3.2:1b")
                            .path("drifted")
                            .asBoolean())
                    .isFalse();
            assertThat(fixture.admin("GET", "/admin/audit?limit=10000", null)
                            .path("data")
                            .toString())
                    .contains("model.drift_cleared");
        }
    }

    @Test
    void onlyAMatchOrARemovedPinClearsDriftAnUnreachableBackendDoesNot(@TempDir Path dir) throws Exception {
        String digest = servedDigest();
        String pinned = """
                models:
                  - name: chat
                    deployments:
                      - {backend: a, upstream_model: "llama3.2:1b", pin: "%s"}
                      - {backend: b, upstream_model: "llama3.2:1b"}
                routing: {reload: {watch: false}}
                """.formatted(digest);
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, Map.of("a", RoutingFixture.simulator(), "b", RoutingFixture.simulator()), pinned)) {
            fixture.simulators.get("a").setModelDigest(RoutingFixture.MODEL, "f".repeat(64));
            assertThat(verify(fixture).path(0).path("status").asText()).isEqualTo("drifted");

            // Revived below on this same port on purpose: the drift stays on the deployment at this
            // address, and what is tested is that the same deployment, reachable again, is cleared.
            int port = fixture.simulators.get("a").port();
            fixture.simulators.get("a").close();
            assertThat(verify(fixture).path(0).path("status").asText()).isEqualTo("unreachable");
            JsonNode a = RoutingIntegrationTest.deployment(fixture, "a/llama3.2:1b");
            assertThat(a.path("drifted").asBoolean())
                    .as("a check that reached nothing learned nothing")
                    .isTrue();
            assertThat(a.path("pin_detail").asText()).contains("the pin expects another");
            assertThat(fixture.admin("GET", "/admin/audit?limit=10000", null)
                            .path("data")
                            .toString())
                    .doesNotContain("model.drift_cleared");

            Simulator revived = new Simulator(RoutingFixture.simulator().withPort(port)).start();
            revived.setModelDigest(RoutingFixture.MODEL, "f".repeat(64));
            fixture.simulators.put("a", revived);
            fixture.write(pinned.replace(", pin: \"" + digest + "\"", ""));
            assertThat(fixture.admin("POST", "/admin/config/reload", null)
                            .path("result")
                            .asText())
                    .isEqualTo("applied");
            assertThat(RoutingIntegrationTest.deployment(fixture, "a/llama3.2:1b")
                            .path("drifted")
                            .asBoolean())
                    .as("a deployment whose pin was removed is no longer held out")
                    .isFalse();
            assertThat(fixture.admin("GET", "/admin/audit?limit=10000", null)
                            .path("data")
                            .toString())
                    .contains("model.drift_cleared");
        }
    }

    @Test
    void driftFoundAtStartUpKeepsTheDeploymentOutFromTheFirstRequestUnlessDriftOnlyAlerts(@TempDir Path dir) {
        String models = """
                models:
                  - name: chat
                    deployments:
                      - {backend: a, upstream_model: "llama3.2:1b", pin: "%s"}
                      - {backend: b, upstream_model: "llama3.2:1b"}
                """.formatted("0".repeat(64));
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, Map.of("a", RoutingFixture.simulator(), "b", RoutingFixture.simulator()), models)) {
            for (int i = 0; i < 10; i++) {
                fixture.chat("chat");
            }
            assertThat(fixture.served("a")).isZero();
        }
        try (RoutingFixture fixture = RoutingFixture.start(
                dir.resolve("alert"),
                Map.of("a", RoutingFixture.simulator(), "b", RoutingFixture.simulator()),
                models + "routing: {pins: {on_drift: alert}}\n")) {
            for (int i = 0; i < 40; i++) {
                fixture.chat("chat");
            }
            assertThat(fixture.served("a"))
                    .as("on_drift: alert keeps the traffic flowing")
                    .isPositive();
            assertThat(RoutingIntegrationTest.deployment(fixture, "a/llama3.2:1b")
                            .path("drifted")
                            .asBoolean())
                    .isTrue();
        }
    }

    private static JsonNode verify(RoutingFixture fixture) {
        return fixture.admin("POST", "/admin/models/verify", null).path("data");
    }

    /** The digest the fixture's simulators serve for {@link RoutingFixture#MODEL}, read from a throw-away one. */
    private static String servedDigest() throws Exception {
        try (Simulator probe = new Simulator(RoutingFixture.simulator().withPort(0)).start()) {
            HttpResponse<String> tags = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(probe.baseUrl() + "/api/tags"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            for (JsonNode entry : TestGateway.json(tags.body()).path("models")) {
                if (entry.path("name").asText().equals(RoutingFixture.MODEL)) {
                    return entry.path("digest").asText();
                }
            }
            throw new AssertionError("no " + RoutingFixture.MODEL);
        }
    }
}
