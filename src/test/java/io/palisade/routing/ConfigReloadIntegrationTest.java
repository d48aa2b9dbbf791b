package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.TestGateway;
import io.palisade.cli.CliRun;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading routing while requests and streams run: nothing fails, an invalid file changes nothing. */
class ConfigReloadIntegrationTest {
    private static final String ON_A = "models:\n  - {name: chat, backend: a, upstream_model: \"llama3.2:1b\"}\n";
    private static final String ON_B = """
            models:
              - {name: chat, backend: b, upstream_model: "llama3.2:1b"}
              - {name: extra, backend: b, upstream_model: "qwen3:0.6b"}
            """;

    @Test
    void reloadsUnderLoadWithoutAFailedRequest(@TempDir Path dir) throws Exception {
        Map<String, io.palisade.simulate.SimulatorConfig> simulators = Map.of(
                "a",
                RoutingFixture.simulator().withTokensPerSecond(400),
                "b",
                RoutingFixture.simulator().withTokensPerSecond(400));
        try (RoutingFixture fixture =
                RoutingFixture.start(dir, simulators, ON_A + "routing: {reload: {watch: false}}\n")) {
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            AtomicInteger done = new AtomicInteger();
            for (int c = 0; c < 8; c++) {
                int client = c;
                clients.add(Thread.ofVirtual().start(() -> {
                    while (running.get()) {
                        HttpResponse<String> answer = fixture.chat("chat", client % 2 == 0, fixture.key, Map.of());
                        if (answer.statusCode() != 200 || answer.body().contains("\"error\"")) {
                            failures.add(answer.statusCode() + " " + answer.body());
                        }
                        done.incrementAndGet();
                    }
                }));
            }
            awaitTraffic(done);
            fixture.write(ON_B + "routing: {reload: {watch: false}}\n");
            JsonNode applied = fixture.admin("POST", "/admin/config/reload", null);
            assertThat(applied.path("result").asText()).isEqualTo("applied");
            awaitTraffic(done);
            fixture.write("models: [{name: chat, backend: nowhere}]\n");
            HttpResponse<String> rejected = fixture.adminCall("POST", "/admin/config/reload", null);
            assertThat(rejected.statusCode()).isEqualTo(422);
            assertThat(rejected.body())
                    .contains("the running one stays")
                    .contains("models[0].backend: no backend named 'nowhere'");
            CliRun refused = reloadByCli(fixture);
            assertThat(refused.exit()).isNotZero();
            assertThat(refused.err())
                    .contains("HTTP 422: the new config is invalid, the running one stays")
                    .doesNotContain("\"result\"");
            awaitTraffic(done);
            // (This wrote a second "server:" key, which the loader used to accept with the last one winning.)
            fixture.write(ON_A + "audit: {content_max_chars: 100}\nrouting: {reload: {watch: false}}\n");
            JsonNode back = TestGatewayJson.of(fixture.palisade.reloadConfig("signal"));
            assertThat(back.path("result").asText()).isEqualTo("applied");
            assertThat(back.path("restart_needed").toString()).contains("audit");
            CliRun again = reloadByCli(fixture);
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.out()).matches("(?s)(unchanged|applied): .*");
            awaitTraffic(done);
            running.set(false);
            for (Thread thread : clients) {
                thread.join();
            }
            assertThat(failures).isEmpty();
            assertThat(done.get()).isGreaterThan(40);
            assertThat(fixture.served("b")).as("the reload moved traffic to b").isPositive();
            fixture.clearCounts();
            fixture.chat("chat");
            assertThat(fixture.served("a")).isEqualTo(1);
            assertThat(fixture.chat("extra").statusCode())
                    .as("a model removed by reload is gone")
                    .isEqualTo(404);
            assertThat(fixture.admin("GET", "/admin/audit?limit=10000", null)
                            .path("data")
                            .toString())
                    .contains("config.reload")
                    .contains("rejected")
                    .contains("\"trigger\":\"signal\"");
        }
    }

    @Test
    void aChangedFileIsPickedUpByTheWatcher(@TempDir Path dir) throws Exception {
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, Map.of("a", RoutingFixture.simulator(), "b", RoutingFixture.simulator()), ON_A)) {
            assertThat(fixture.chat("extra").statusCode()).isEqualTo(404);
            fixture.write(ON_B);
            Await.until(
                    Duration.ofSeconds(8),
                    () -> fixture.chat("extra").statusCode() == 200,
                    "the watcher applying the changed file");
            assertThat(Files.readString(fixture.configFile)).contains("extra");
        }
    }

    private static CliRun reloadByCli(RoutingFixture fixture) {
        return CliRun.of("models", "reload", "--url", fixture.baseUrl(), "--admin-key", TestGateway.ADMIN_KEY);
    }

    /** Renders a reload outcome as the admin API does, to assert on the same shape. */
    private static final class TestGatewayJson {
        static JsonNode of(io.palisade.lifecycle.ConfigReloader.Outcome outcome) {
            var node = io.palisade.TestGateway.JSON
                    .createObjectNode()
                    .put("result", outcome.result().label())
                    .put("message", outcome.message());
            outcome.restartNeeded().forEach(node.putArray("restart_needed")::add);
            return node;
        }
    }

    /**
     * Waits until the clients have completed a dozen more requests, more than are in flight at once
     * (8), so that requests begun after the step before are among them: traffic across each change,
     * counted instead of timed.
     */
    private static void awaitTraffic(AtomicInteger done) {
        int before = done.get();
        Await.until(Duration.ofSeconds(30), () -> done.get() >= before + 12, "a dozen more client requests");
    }
}
