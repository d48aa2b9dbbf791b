package io.palisade.upstream;

import static io.palisade.upstream.FakeBackend.chunk;
import static io.palisade.upstream.UpstreamFixture.postAndRead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.palisade.config.Secret;
import io.palisade.config.Timeouts;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connect, first-byte and total time limits, and interruption, with the errors they become. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpstreamTimeoutsTest {
    @AutoClose
    private final UpstreamFixture fixture = new UpstreamFixture();

    private FakeBackend backend;

    @Test
    void aBackendThatDoesNotStartAnsweringHitsTheFirstByteTimeout() throws Exception {
        backend = fixture.backend((connection, index) -> {
            connection.read();
            fixture.testOver.await(60, TimeUnit.SECONDS);
        });
        UpstreamHttp http =
                fixture.http(backend.url(), timeouts(Duration.ofSeconds(1), Duration.ofSeconds(60)), Secret.empty());

        assertThatThrownBy(() -> postAndRead(http, "/a"))
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT))
                .hasMessage("backend 'test' did not start answering within 1s");
        assertThat(backend.connections()).as("a timeout is not retried").isEqualTo(1);
    }

    @Test
    void aLargeBodyTheBackendDoesNotReadHitsTheFirstByteTimeout() throws Exception {
        // Far more than the kernel buffers on both ends hold: the write blocks until the watchdog closes the socket.
        byte[] body = new byte[32 * 1024 * 1024];
        backend = fixture.backend((connection, index) -> fixture.testOver.await(60, TimeUnit.SECONDS));
        UpstreamHttp http =
                fixture.http(backend.url(), timeouts(Duration.ofSeconds(1), Duration.ofSeconds(60)), Secret.empty());

        long start = System.nanoTime();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = Thread.ofVirtual()
                .start(() -> failure.set(catchThrowable(
                        () -> http.post("/a", body, "r", Map.of()).close())));
        assertThat(caller.join(Duration.ofSeconds(20)))
                .as("the blocked write was cut")
                .isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(failure.get())
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT))
                .hasMessage("backend 'test' did not start answering within 1s");
        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
    }

    @Test
    void aHeadTrickledSlowerThanTheFirstByteTimeoutStillTimesOut() throws Exception {
        backend = fixture.backend((connection, index) -> {
            connection.read();
            for (char c : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".toCharArray()) {
                connection.write(String.valueOf(c));
                if (fixture.testOver.await(200, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        });
        UpstreamHttp http =
                fixture.http(backend.url(), timeouts(Duration.ofSeconds(1), Duration.ofSeconds(60)), Secret.empty());

        assertThatThrownBy(() -> postAndRead(http, "/a"))
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT));
    }

    @Test
    void theTotalDeadlineCutsATricklingStream() throws Exception {
        backend = fixture.backend(this::trickleUntilTheTestIsOver);
        assertTheTotalDeadlineCutsTheStream(
                fixture.http(backend.url(), timeouts(Duration.ofSeconds(30), Duration.ofSeconds(2)), Secret.empty()));
    }

    @Test
    void theTotalDeadlineIsATimeoutThroughTheJdkClientToo() throws Exception {
        backend = fixture.backend(this::trickleUntilTheTestIsOver);
        assertTheTotalDeadlineCutsTheStream(
                fixture.jdkHttp(backend.url(), timeouts(Duration.ofSeconds(30), Duration.ofSeconds(2))));
    }

    /** Streams an event every 50 ms until the test is over. */
    private void trickleUntilTheTestIsOver(FakeBackend.Connection connection, int index) throws Exception {
        connection.read();
        connection.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; !fixture.testOver.await(50, TimeUnit.MILLISECONDS); i++) {
            connection.write(chunk("data: {\"n\":" + i + "}\n\n"));
        }
    }

    private static void assertTheTotalDeadlineCutsTheStream(UpstreamHttp http) {
        List<String> lines = new ArrayList<>();
        IOException cut = null;

        try (UpstreamHttp.Exchange exchange = http.post("/s", "{}".getBytes(StandardCharsets.UTF_8), "r", Map.of());
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(exchange.body(), StandardCharsets.UTF_8))) {
            while (true) {
                String line = reader.readLine();
                assertThat(line).as("the stream never ends by itself").isNotNull();
                lines.add(line);
            }
        } catch (IOException e) {
            cut = e;
        }

        assertThat(lines).contains("data: {\"n\":0}");
        assertThat(cut).isNotNull();
        PalisadeException mapped = http.failure(cut, "bad stream");
        assertThat(mapped.code()).isEqualTo(ErrorCode.UPSTREAM_TIMEOUT);
        assertThat(mapped.getMessage()).isEqualTo("backend 'test' did not answer in time");
    }

    @Test
    void aRefusedConnectionIsUnreachable() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        UpstreamHttp http = fixture.http(
                URI.create("http://127.0.0.1:" + port),
                UpstreamFixture.GENEROUS,
                Secret.of("sk-never-shown", "inline"));

        assertThatThrownBy(() -> postAndRead(http, "/a"))
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNREACHABLE))
                .hasMessage("backend 'test' is unreachable");
    }

    @Test
    void aConnectThatDoesNotCompleteHitsTheConnectTimeout() throws Exception {
        // A listener that never accepts: once its backlog is full, Linux drops further SYNs.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> filling = new ArrayList<>();
            boolean backlogFull = false;
            try {
                for (int i = 0; i < 20 && !backlogFull; i++) {
                    Socket socket = new Socket();
                    filling.add(socket);
                    try {
                        socket.connect(
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 300);
                    } catch (SocketTimeoutException e) {
                        backlogFull = true;
                    }
                }
                assumeTrue(backlogFull, "this system completes connections beyond the backlog");
                Timeouts timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));
                UpstreamHttp http =
                        fixture.http(URI.create("http://127.0.0.1:" + full.getLocalPort()), timeouts, Secret.empty());

                assertThatThrownBy(() -> postAndRead(http, "/a"))
                        .isInstanceOfSatisfying(
                                PalisadeException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNREACHABLE))
                        .hasMessage("backend 'test' is unreachable");
            } finally {
                for (Socket socket : filling) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void anInterruptedCallerGetsUnavailableAndKeepsItsInterrupt() throws Exception {
        CountDownLatch requestArrived = new CountDownLatch(1);
        backend = fixture.backend((connection, index) -> {
            connection.read();
            requestArrived.countDown();
            fixture.testOver.await(60, TimeUnit.SECONDS);
        });
        UpstreamHttp http = fixture.http(backend.url());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();

        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                postAndRead(http, "/a");
            } catch (Throwable e) {
                failure.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(requestArrived.await(30, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        assertThat(caller.join(Duration.ofSeconds(30))).isTrue();

        assertThat(failure.get())
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE));
        assertThat(failure.get()).hasMessage("request to backend 'test' was interrupted");
        assertThat(stillInterrupted.get()).isTrue();
    }

    private static Timeouts timeouts(Duration firstByte, Duration total) {
        return new Timeouts(Duration.ofSeconds(10), firstByte, total);
    }
}
