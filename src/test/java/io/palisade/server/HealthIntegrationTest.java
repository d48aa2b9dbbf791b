package io.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Await;
import io.palisade.Palisade;
import io.palisade.TestGateway;
import io.palisade.config.ConfigLoader;
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
        var config = new ConfigLoader(Map.of()).parse("""
                server: {port: 0}
                store: {url: "sqlite:%s"}
                admin: {key: "%s"}
                backends: [{name: gone, kind: openai, url: "http://127.0.0.1:9", discover_models: false}]
                metrics: {port: any}
                health: {probe_interval: 200ms}
                """.formatted(dir.resolve("p.db"), TestGateway.ADMIN_KEY));
        try (Palisade palisade = Palisade.start(config, Clock.systemUTC())) {
            // `metrics.port: any`: a listener of its own on a port the system picked, read back, never guessed.
            int metricsPort = palisade.metricsPort().orElseThrow();
            assertThat(metricsPort).isPositive().isNotEqualTo(palisade.port());
            String main = "http://127.0.0.1:" + palisade.port();
            assertThat(get(main + "/health/live", null).statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(main + "/health/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("not_ready");
            assertThat(get(main + "/metrics", TestGateway.ADMIN_KEY).statusCode())
                    .as("not on the main listener")
                    .isEqualTo(404);
            // The gauge appears with the first probe, which runs on its own thread.
            HttpResponse<String> metrics = Await.value(
                    Duration.ofSeconds(10),
                    () -> get("http://127.0.0.1:" + metricsPort + "/metrics", TestGateway.ADMIN_KEY),
                    answer -> answer.body().contains("palisade_backend_up{backend=\"gone\"}"),
                    "the first probe's gauge on /metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("palisade_backend_up{backend=\"gone\"} 0");
            assertThat(get("http://127.0.0.1:" + metricsPort + "/health/ready", null)
                            .statusCode())
                    .isEqualTo(503);
            // The operations listener answers Jetty's own refusals in the API's JSON too, not Jetty's HTML page.
            try (java.net.Socket raw = new java.net.Socket("127.0.0.1", metricsPort)) {
                raw.setSoTimeout(30_000); // a guard against a hung test, not a wait
                raw.getOutputStream().write("GARBAGE\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                String answer =
                        new String(raw.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer)
                        .startsWith("HTTP/1.1 400")
                        .containsIgnoringCase("Content-Type: application/json")
                        .contains("\"code\":\"invalid_request\"");
            }
        }
    }

    private HttpResponse<String> get(String url, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
