package io.palisade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backends' watchdog (total deadlines, write watches, idle sweeps) as the gateway wires it:
 * on a thread of its own, so that a store that keeps the background thread waiting cannot delay a
 * deadline.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackendDeadlinesIntegrationTest {
    private final CountDownLatch testOver = new CountDownLatch(1);
    private ServerSocket trickler;

    @AfterEach
    void stopTrickler() throws IOException {
        testOver.countDown();
        if (trickler != null) {
            trickler.close();
        }
    }

    @Test
    void aStreamIsCutAtItsTotalDeadlineWhileTheStoreHoldsUpTheBackgroundThread() throws Exception {
        int port = startTrickler();
        String storeUrl = TestPostgres.newDatabaseUrl();
        try (TestGateway gateway = TestGateway.startWithStore(
                        storeUrl,
                        "",
                        "  - {name: trickle, kind: openai, url: \"http://127.0.0.1:" + port
                                + "\", discover_models: false,"
                                + " timeouts: {connect: 1s, first_byte: 5s, total: 1s}}",
                        "  - {name: trickle-model, backend: trickle, upstream_model: m}",
                        Clock.systemUTC());
                // The identity poll ("palisade-identity-poll") reads this table every second; the lock stalls it.
                Connection locker = DriverManager.getConnection(jdbcUrl(storeUrl), "postgres", null)) {
            String key = gateway.userWithKey("deadline@example.com", List.of("trickle-model"));
            locker.setAutoCommit(false);
            try (Statement statement = locker.createStatement()) {
                statement.execute("LOCK TABLE identity_version IN ACCESS EXCLUSIVE MODE");
            }
            awaitAWaiterOnALock(locker);
            // Let go in any case, so that without a thread of their own the late deadlines still end the test.
            Thread.ofVirtual().start(() -> {
                try {
                    testOver.await(12, TimeUnit.SECONDS);
                    locker.rollback();
                } catch (Exception ignored) {
                    // the test is over
                }
            });

            long start = System.nanoTime();
            HttpResponse<String> response = gateway.send(
                    gateway.request("/v1/chat/completions", key)
                            .header("Content-Type", "application/json")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            "{\"model\":\"trickle-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
            String body = response.body();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(body).contains("\"content\":\"a\"").doesNotContain("[DONE]");
            assertThat(took).as("the 1 s total deadline fired on time").isLessThan(Duration.ofSeconds(6));
        }
    }

    @Test
    void finishedAnswersLeaveNoDeadlineQueued(@TempDir Path dir) throws Exception {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String key = gateway.userWithKey("queue@example.com", List.of("llama3.2:1b", "vllm-qwen"));
            for (int i = 0; i < 20; i++) {
                String model = i % 2 == 0 ? "llama3.2:1b" : "vllm-qwen";
                String stream = i % 4 < 2 ? "false" : "true";
                HttpResponse<String> answer = gateway.post(
                        "/v1/chat/completions",
                        key,
                        "{\"model\":\"" + model + "\",\"stream\":" + stream
                                + ",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            }
            // Each answer's deadline (5 s) was cancelled when it ended; cancelled, it leaves the queue at once,
            // so soon only the periodic idle sweeps are left (a health probe may be in flight for a moment).
            ScheduledThreadPoolExecutor watchdog = gateway.palisade.deadlines();
            List<Runnable> oneShot = Await.lastValue(
                    Duration.ofSeconds(1), () -> oneShotTasks(watchdog), List::isEmpty, "no deadline queued");
            assertThat(oneShot).as("deadlines still queued").isEmpty();
            assertThat(watchdog.getQueue()).as("the idle sweeps").isNotEmpty();
        }
    }

    private static List<Runnable> oneShotTasks(ScheduledThreadPoolExecutor scheduler) {
        return scheduler.getQueue().stream()
                .filter(task -> !((RunnableScheduledFuture<?>) task).isPeriodic())
                .toList();
    }

    /** Until the gateway's store connection waits for the lock {@code locker} holds. */
    private static void awaitAWaiterOnALock(Connection locker) throws Exception {
        try (Statement statement = locker.createStatement()) {
            Await.until(
                    Duration.ofSeconds(30),
                    () -> {
                        try (ResultSet waiting = statement.executeQuery(
                                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
                            waiting.next();
                            return waiting.getInt(1) > 0;
                        } catch (java.sql.SQLException e) {
                            throw new AssertionError("asking the server for lock waiters", e);
                        }
                    },
                    "the identity poll waiting for the lock");
        }
    }

    private static String jdbcUrl(String storeUrl) {
        // postgresql://postgres@127.0.0.1:PORT/db_N
        return "jdbc:postgresql://" + storeUrl.substring(storeUrl.indexOf('@') + 1);
    }

    /**
     * A backend that lists model "m" and answers every POST with a stream that never ends: one
     * chunk every 100 ms, until the gateway hangs up.
     */
    private int startTrickler() throws IOException {
        trickler = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!trickler.isClosed()) {
                try {
                    Socket socket = trickler.accept();
                    Thread.ofVirtual().start(() -> serve(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return trickler.getLocalPort();
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream input = new BufferedInputStream(socket.getInputStream());
            OutputStream output = socket.getOutputStream();
            String head = readHead(input);
            if (head.startsWith("GET ")) {
                String models = "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}";
                output.write(
                        ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                                        + models.length() + "\r\n\r\n" + models)
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            String event = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n";
            String chunk = Integer.toHexString(event.length()) + "\r\n" + event + "\r\n";
            output.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            while (!testOver.await(100, TimeUnit.MILLISECONDS)) {
                output.write(chunk.getBytes(StandardCharsets.UTF_8));
                output.flush();
            }
        } catch (Exception ignored) {
            // the gateway hung up (the deadline) or the test is over
        }
    }

    /** The request line and headers; the body, if any, is read and dropped. */
    private static String readHead(InputStream input) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = input.read();
            if (b < 0) {
                throw new IOException("the client hung up");
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                input.readNBytes(Integer.parseInt(
                        line.substring("content-length:".length()).trim()));
            }
        }
        return text;
    }
}
