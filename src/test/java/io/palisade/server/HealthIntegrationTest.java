package io.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Palisade;
import io.palisade.TestGateway;
import io.palisade.config.ConfigLoader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthIntegrationTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readyOnlyWhenABackendAnswersAndMetricsCanMoveToTheirOwnListener(@TempDir Path dir) throws Exception {
        int metricsPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            metricsPort = socket.getLocalPort();
        }
        var config = new ConfigLoader(Map.of()).parse("""
                server: {port: 0}
                store: {url: "sqlite:%s"}
                admin: {key: "%s"}
                backends: [{name: gone, kind: openai, url: "http://127.0.0.1:9", discover_models: false}]
                metrics: {port: %d}
                health: {probe_interval: 200ms}
                """.formatted(dir.resolve("p.db"), TestGateway.ADMIN_KEY, metricsPort));
        try (Palisade palisade = Palisade.start(config, Clock.systemUTC())) {
            String main = "http://127.0.0.1:" + palisade.port();
            assertThat(get(main + "/health/live", null).statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(main + "/health/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("not_ready");
            assertThat(get(main + "/metrics", TestGateway.ADMIN_KEY).statusCode()).as("not on the main listener").isEqualTo(404);
            // The gauge appears with the first probe, which runs on its own thread.
            HttpResponse<String> metrics = get("http://127.0.0.1:" + metricsPort + "/metrics", TestGateway.ADMIN_KEY);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!metrics.body().contains("palisade_backend_up{backend=\"gone\"}") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                metrics = get("http://127.0.0.1:" + metricsPort + "/metrics", TestGateway.ADMIN_KEY);
            }
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("palisade_backend_up{backend=\"gone\"} 0");
            assertThat(get("http://127.0.0.1:" + metricsPort + "/health/ready", null).statusCode()).isEqualTo(503);
            // The operations listener answers Jetty's own refusals in the API's JSON too, not Jetty's HTML page.
            try (java.net.Socket raw = new java.net.Socket("127.0.0.1", metricsPort)) {
                raw.setSoTimeout(30_000); // a guard against a hung test, not a wait
                raw.getOutputStream().write("GARBAGE\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                String answer = new String(raw.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/json")
                        .contains("\"code\":\"invalid_request\"");
            }
        }
    }

    private HttpResponse<String> get(String url, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
