package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.Palisade;
import io.palisade.TestGateway;
import io.palisade.config.ConfigLoader;
import io.palisade.config.ConfigSource;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.ReloadResult;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane never waits on a backend: beside a working simulator, a "black hole" backend
 * accepts connections and never answers (its limit for checks is far longer than the test). The
 * gateway must listen at once, answer an unknown model at once, discover the working backend's
 * models, probe it and apply a config reload, all while the black hole's discovery hangs.
 */
class BlackHoleBackendIntegrationTest {
    /** Far above every bound asserted below: the black hole's checks hang for the whole test. */
    private static final String HANGING = "timeouts: {connect: 1s, first_byte: 120s, total: 120s, checks: 120s}";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aBackendThatNeverAnswersHoldsUpNeitherStartNorRequestsNorOtherBackendsNorAReload(@TempDir Path dir)
            throws Exception {
        try (BlackHole hole = new BlackHole();
                Simulator simulator = new Simulator(SimulatorConfig.defaults().withPort(0)).start()) {
            Path file = dir.resolve("palisade.yaml");
            String base = """
                    server: {port: 0}
                    store: {url: "sqlite:%s"}
                    admin: {key: "%s"}
                    limits: {default_requests_per_minute: 0}
                    health: {probe_interval: 200ms}
                    routing: {reload: {watch: false}}
                    backends:
                      - {name: hole, kind: ollama, url: "http://127.0.0.1:%d", %s}
                      - {name: local, kind: ollama, url: "%s", timeouts: {connect: 1s, first_byte: 5s, total: 10s}}
                    models:
                      - {name: static-chat, backend: local, upstream_model: "qwen3:0.6b"}
                      - {name: hole-chat, backend: hole, upstream_model: "qwen3:0.6b"}
                      - name: pinned-chat
                        deployments:
                          - {backend: hole, upstream_model: "qwen3:0.6b", pin: "%s"}
                          - {backend: local, upstream_model: "qwen3:0.6b"}
                    """.formatted(
                            dir.resolve("palisade.db"),
                            TestGateway.ADMIN_KEY,
                            hole.port(),
                            HANGING,
                            simulator.baseUrl(),
                            "0".repeat(64));
            Files.writeString(file, base);
            ConfigSource source = new ConfigSource() {
                @Override
                public PalisadeConfig load() {
                    return new ConfigLoader(Map.of()).load(file);
                }

                @Override
                public Path file() {
                    return file;
                }
            };

            long startedAt = System.nanoTime();
            try (Palisade palisade = Palisade.start(source, source.load(), Clock.systemUTC())) {
                String url = "http://127.0.0.1:" + palisade.port();
                assertThat(get(url + "/health/live", null).statusCode()).isEqualTo(200);
                // The bound is loose for a cold JVM on a busy machine (opening the store alone takes seconds
                // there); what proves start did not wait is that the black hole's first discovery is still open.
                assertThat(Duration.ofNanos(System.nanoTime() - startedAt))
                        .as("listening despite the black hole")
                        .isLessThan(Duration.ofSeconds(20));
                assertThat(palisade.firstChecksDone())
                        .as("start returned before the black hole's discovery concluded")
                        .isFalse();
                await("the black hole is being asked for its models", () -> hole.accepted() > 0);

                String key = key(url);
                assertThat(chat(url, key, "static-chat").statusCode())
                        .as("a configured model needs no discovery")
                        .isEqualTo(200);
                await(
                        "the working backend's models are discovered while the black hole hangs",
                        () -> chat(url, key, "llama3.2:1b").statusCode() == 200);
                await(
                        "the working backend is probed while the black hole hangs",
                        () -> get(url + "/metrics", TestGateway.ADMIN_KEY)
                                .body()
                                .contains("palisade_backend_up{backend=\"local\"} 1"));

                for (int i = 0; i < 10; i++) {
                    assertThat(chat(url, key, "pinned-chat").statusCode())
                            .as("a pinned deployment whose pin check hangs takes no traffic; the other serves")
                            .isEqualTo(200);
                }
                JsonNode pinned = admin(url, "GET", "/admin/models/status?model=pinned-chat")
                        .path("data")
                        .path(0)
                        .path("deployments");
                assertThat(pinned.path(0).path("pin_unchecked").asBoolean()).isTrue();
                assertThat(pinned.path(1).path("pin_unchecked").asBoolean()).isFalse();

                long asked = System.nanoTime();
                HttpResponse<String> unknown = chat(url, key, "llama3.2:1bb");
                assertThat(unknown.statusCode()).isEqualTo(404);
                assertThat(unknown.body()).contains("model_not_found");
                assertThat(Duration.ofNanos(System.nanoTime() - asked))
                        .as("an unknown model is answered from memory")
                        .isLessThan(Duration.ofSeconds(10));
                assertThat(palisade.firstChecksDone())
                        .as("all of the above while the black hole's discovery hangs")
                        .isFalse();

                assertThat(get(url + "/health/ready", null).statusCode())
                        .as("not ready while a backend's first discovery has not concluded")
                        .isEqualTo(503);

                Files.writeString(
                        file, base + "  - {name: added-chat, backend: local, upstream_model: \"llama3.2:1b\"}\n");
                long reloading = System.nanoTime();
                assertThat(palisade.reloadConfig("signal").result()).isEqualTo(ReloadResult.APPLIED);
                assertThat(Duration.ofNanos(System.nanoTime() - reloading))
                        .as("a reload waits on no backend")
                        .isLessThan(Duration.ofSeconds(10));
                assertThat(chat(url, key, "added-chat").statusCode()).isEqualTo(200);
                assertThat(hole.accepted())
                        .as("the black hole was never answered, only waited on by its own checks")
                        .isPositive();
            }
        }
    }

    @Test
    void readinessFollowsTheFirstDiscoveryWhichEndsAtTheLimitForChecks(@TempDir Path dir) throws Exception {
        try (BlackHole hole = new BlackHole();
                Simulator simulator = new Simulator(SimulatorConfig.defaults().withPort(0)).start()) {
            PalisadeConfig config = new ConfigLoader(Map.of()).parse("""
                    server: {port: 0}
                    store: {url: "sqlite:%s"}
                    admin: {key: "%s"}
                    health: {probe_interval: 200ms}
                    backends:
                      - {name: hole, kind: ollama, url: "http://127.0.0.1:%d", timeouts: {checks: 300ms}}
                      - {name: local, kind: ollama, url: "%s"}
                    """.formatted(
                            dir.resolve("palisade.db"), TestGateway.ADMIN_KEY, hole.port(), simulator.baseUrl()));
            try (Palisade palisade = Palisade.start(config, Clock.systemUTC())) {
                String url = "http://127.0.0.1:" + palisade.port();
                await(
                        "ready once the black hole's discovery timed out and the simulator answered",
                        () -> get(url + "/health/ready", null).statusCode() == 200);
                long asked = System.nanoTime();
                JsonNode backends = admin(url, "GET", "/admin/backends");
                assertThat(Duration.ofNanos(System.nanoTime() - asked))
                        .as("backends probed at once, each within its limit for checks")
                        .isLessThan(Duration.ofSeconds(10));
                assertThat(backends.path("data").toString())
                        .contains("\"name\":\"hole\",")
                        .contains("\"reachable\":false")
                        .contains("\"reachable\":true");
            }
        }
    }

    private String key(String url) throws Exception {
        admin(url, "POST", "/admin/users", "{\"email\":\"dev@example.com\"}");
        return admin(url, "POST", "/admin/keys", "{\"user\":\"dev@example.com\",\"allowed_models\":[\"*\"]}")
                .path("key")
                .asText();
    }

    private JsonNode admin(String url, String method, String path) throws Exception {
        return admin(url, method, path, null);
    }

    private JsonNode admin(String url, String method, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + TestGateway.ADMIN_KEY)
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s %s -> %s", method, path, response.body())
                .isBetween(200, 299);
        return TestGateway.json(response.body());
    }

    private HttpResponse<String> chat(String url, String key, String model) {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String url, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} for up to 60 s. */
    private static void await(String what, BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(60), condition, what);
    }

    /** Accepts every connection and never reads or answers; closes them all at the end. */
    private static final class BlackHole implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        BlackHole() throws IOException {
            Thread.ofVirtual().name("black-hole").start(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return held.size();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
