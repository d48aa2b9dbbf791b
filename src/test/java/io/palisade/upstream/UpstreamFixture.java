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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Builds {@link UpstreamHttp} clients to test servers, sharing one watchdog, and owns the
 * servers: {@link #close()} releases scripts waiting on {@link #testOver} and stops them all.
 */
final class UpstreamFixture implements AutoCloseable {
    static final Timeouts GENEROUS =
            new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));

    final ObjectMapper json = new ObjectMapper();
    /** Counted down when the test is over, so that scripts holding a connection open can end. */
    final CountDownLatch testOver = new CountDownLatch(1);

    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    private final List<FakeBackend> backends = new CopyOnWriteArrayList<>();

    /** A test server running {@code script}, stopped by {@link #close()}. */
    FakeBackend backend(FakeBackend.Script script) throws IOException {
        FakeBackend backend = new FakeBackend(script);
        backends.add(backend);
        return backend;
    }

    UpstreamHttp http(URI url) {
        return http(url, GENEROUS, Secret.empty());
    }

    UpstreamHttp http(URI url, Timeouts timeouts, Secret key) {
        return new UpstreamHttp(
                new BackendConfig("test", BackendKind.OPENAI, url, key, false, timeouts), watchdog, json);
    }

    /** Through the JDK client, as an {@code https://} backend is spoken to, though {@code url} is plain HTTP. */
    UpstreamHttp jdkHttp(URI url, Timeouts timeouts) {
        return new UpstreamHttp(
                new BackendConfig("test", BackendKind.OPENAI, url, Secret.empty(), false, timeouts),
                new JdkTransport(url, timeouts),
                watchdog,
                json);
    }

    ScheduledExecutorService watchdog() {
        return watchdog;
    }

    static String postAndRead(UpstreamHttp http, String path) throws IOException {
        try (UpstreamHttp.Exchange exchange =
                http.post(path, "{}".getBytes(StandardCharsets.UTF_8), "req-test", Map.of())) {
            return readAll(exchange.body());
        }
    }

    static String readAll(InputStream body) throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        testOver.countDown();
        watchdog.shutdownNow();
        for (FakeBackend backend : backends) {
            backend.close();
        }
    }
}
