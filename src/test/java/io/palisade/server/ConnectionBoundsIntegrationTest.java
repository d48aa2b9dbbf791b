package io.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener's bounds, from outside over raw sockets: slow headers and slow bodies are cut at
 * their deadlines (the idle timeout is set long, so only the deadlines can cut them), connections
 * beyond {@code server.max_connections} wait until one closes, and a stream outlives every read
 * deadline and the idle timeout while it is being written.
 */
class ConnectionBoundsIntegrationTest {
    private static final Duration BOUND = Duration.ofSeconds(15);
    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTrickling() {
        trickler.shutdownNow();
    }

    /** Writes one byte of {@code text} every 100 ms (a slow-loris client) until the socket fails or the text ends. */
    private void trickle(Socket socket, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        int[] next = {0};
        // Shut down after each test (shutdownNow), which ends this task.
        var unused = trickler.scheduleAtFixedRate(
                () -> {
                    try {
                        if (next[0] < bytes.length) {
                            socket.getOutputStream().write(bytes[next[0]++]);
                            socket.getOutputStream().flush();
                        }
                    } catch (IOException closed) {
                        next[0] = bytes.length;
                    }
                },
                0,
                100,
                TimeUnit.MILLISECONDS);
    }

    @Test
    void headersTrickledSlowerThanTheHeaderTimeoutAreCut(@TempDir Path dir) throws Exception {
        try (ListenerFixture gateway =
                        ListenerFixture.start(dir, "header_timeout: 500ms, idle_timeout: 1m", "http://127.0.0.1:9");
                Socket slow = gateway.connect()) {
            slow.getOutputStream()
                    .write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            trickle(slow, "X-Padding: " + "a".repeat(1000) + "\r\n\r\n");

            String received = ListenerFixture.readUntilClosed(slow, BOUND);

            assertThat(received)
                    .as("no answer to a request that never finished its headers")
                    .doesNotContain("live");
            HttpResponse<String> healthy = gateway.send(gateway.request("/health/live", null));
            assertThat(healthy.statusCode()).as("others are still served").isEqualTo(200);
        }
    }

    @Test
    void aConnectionSilentPastTheIdleTimeoutIsClosed(@TempDir Path dir) throws Exception {
        try (ListenerFixture gateway =
                        ListenerFixture.start(dir, "header_timeout: 1m, idle_timeout: 500ms", "http://127.0.0.1:9");
                Socket silent = gateway.connect()) {
            silent.getOutputStream().write("GET /health/live HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));

            assertThat(ListenerFixture.readUntilClosed(silent, BOUND)).doesNotContain("live");
        }
    }

    @Test
    void aBodyTrickledSlowerThanTheBodyReadTimeoutIsCutAndAudited(@TempDir Path dir) throws Exception {
        try (ListenerFixture gateway =
                        ListenerFixture.start(dir, "body_read_timeout: 500ms, idle_timeout: 1m", "http://127.0.0.1:9");
                Socket slow = gateway.connect()) {
            String body = "{\"email\":\"slow@example.com\"}" + " ".repeat(2000);
            slow.getOutputStream()
                    .write(("POST /admin/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                                    + ListenerFixture.ADMIN_KEY
                                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            trickle(slow, body);

            ListenerFixture.readUntilClosed(slow, BOUND);

            assertThat(gateway.admin("GET", "/admin/users", null).toString()).doesNotContain("slow@example.com");
            assertThat(gateway.admin("GET", "/admin/audit?limit=100", null)
                            .path("data")
                            .toString())
                    .as("the cut request has its audit record")
                    .contains("/admin/users")
                    .contains("request_timeout");
        }
    }

    @Test
    // "try": the first connection is closed early on purpose, to free the slot the third one waits for.
    @SuppressWarnings("try")
    void connectionsBeyondTheLimitWaitUntilOneCloses(@TempDir Path dir) throws Exception {
        try (ListenerFixture gateway =
                        ListenerFixture.start(dir, "max_connections: 2, header_timeout: 1m", "http://127.0.0.1:9");
                Socket first = gateway.connect();
                Socket second = gateway.connect()) {
            for (Socket held : new Socket[] {first, second}) {
                held.getOutputStream().write("GET /health/live HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            try (Socket third = gateway.connect()) {
                OutputStream out = third.getOutputStream();
                out.write("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                third.setSoTimeout(1_000);
                // The absence of an answer can only be observed for a while: one second, while the two held connections
                // stay open.
                assertThatThrownBy(() -> third.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

                first.close();

                String answer = ListenerFixture.readUntilClosed(third, BOUND);
                assertThat(answer).startsWith("HTTP/1.1 200").contains("live");
            }
            second.getOutputStream()
                    .write("Host: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(ListenerFixture.readUntilClosed(second, BOUND))
                    .as("a held connection is still served")
                    .startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aStreamOutlivesTheReadDeadlinesAndTheIdleTimeoutWhileItIsWritten(@TempDir Path dir) throws Exception {
        SimulatorConfig slow = SimulatorConfig.defaults().withPort(0).withTokensPerSecond(10);
        try (Simulator simulator = new Simulator(slow).start();
                ListenerFixture gateway = ListenerFixture.start(
                        dir, "header_timeout: 1s, body_read_timeout: 1s, idle_timeout: 1s", simulator.baseUrl())) {
            String key = gateway.userKey("streamer@example.com");
            long started = System.nanoTime();
            HttpResponse<String> stream = gateway.send(gateway.request("/v1/chat/completions", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model":"m","stream":true,"max_tokens":25,"messages":[{"role":"user","content":"tell me a long story"}]}""")));

            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.body()).contains("data: [DONE]");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("the stream lasted longer than every timeout")
                    .isGreaterThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aSilentWaitForTheBackendIsNotCutByTheIdleTimeout(@TempDir Path dir) throws Exception {
        SimulatorConfig slow = SimulatorConfig.defaults().withPort(0).withLatency(Duration.ofMillis(2500));
        try (Simulator simulator = new Simulator(slow).start();
                ListenerFixture gateway = ListenerFixture.start(dir, "idle_timeout: 1s", simulator.baseUrl())) {
            String key = gateway.userKey("patient@example.com");
            HttpResponse<String> answer = gateway.send(gateway.request("/v1/chat/completions", key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"take your time"}]}""")));

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
    }
}
