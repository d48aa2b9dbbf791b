package io.palisade.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.config.BackendConfig;
import io.palisade.config.BackendKind;
import io.palisade.config.Secret;
import io.palisade.config.Timeouts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Builds {@link UpstreamHttp} clients to a test server, sharing one watchdog; close it after the test. */
final class UpstreamFixture implements AutoCloseable {
    static final Timeouts GENEROUS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

    final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();

    UpstreamHttp http(URI url) {
        return http(url, GENEROUS, Secret.empty());
    }

    UpstreamHttp http(URI url, Timeouts timeouts, Secret key) {
        return new UpstreamHttp(new BackendConfig("test", BackendKind.OPENAI, url, key, false, timeouts), watchdog, json);
    }

    ScheduledExecutorService watchdog() {
        return watchdog;
    }

    static String postAndRead(UpstreamHttp http, String path) throws IOException {
        try (UpstreamHttp.Exchange exchange = http.post(path, "{}".getBytes(StandardCharsets.UTF_8), "req-test", Map.of())) {
            return readAll(exchange.body());
        }
    }

    static String readAll(InputStream body) throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
