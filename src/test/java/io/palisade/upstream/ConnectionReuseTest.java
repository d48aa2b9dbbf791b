package io.palisade.upstream;

import static io.palisade.upstream.FakeBackend.chunk;
import static io.palisade.upstream.FakeBackend.json;
import static io.palisade.upstream.UpstreamFixture.postAndRead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** When a connection is reused, when it is not, and the one retry on a pooled connection. */
class ConnectionReuseTest {
    @AutoClose
    private final UpstreamFixture fixture = new UpstreamFixture();

    private FakeBackend backend;

    @Test
    void sequentialRequestsShareOneConnection() throws Exception {
        backend = fixture.backend((connection, index) -> connection.answerAll(json("{\"n\":1}")));
        UpstreamHttp http = fixture.http(backend.url());

        assertThat(postAndRead(http, "/a")).isEqualTo("{\"n\":1}");
        assertThat(postAndRead(http, "/b")).isEqualTo("{\"n\":1}");

        assertThat(backend.connections()).isEqualTo(1);
        assertThat(backend.requests()).hasSize(2);
    }

    @Test
    void anErrorAnswerReadToItsEndLeavesTheConnectionReusable() throws Exception {
        String error = "{\"error\":{\"message\":\"busy\"}}";
        backend = fixture.backend((connection, index) -> {
            connection.read();
            connection.write(
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: " + error.length() + "\r\n\r\n" + error);
            connection.answerAll(json("{\"n\":2}"));
        });
        UpstreamHttp http = fixture.http(backend.url());

        assertThatThrownBy(() -> postAndRead(http, "/a")).isInstanceOf(PalisadeException.class);
        assertThat(postAndRead(http, "/b")).isEqualTo("{\"n\":2}");
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        backend = fixture.backend((connection, index) -> {
            connection.read();
            connection.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
            // The client must not send a second request here; it would wait for an answer forever.
            connection.answerAll("HTTP/1.1 500 Wrong Connection\r\nContent-Length: 0\r\n\r\n");
        });
        UpstreamHttp http = fixture.http(backend.url());

        assertThat(postAndRead(http, "/a")).isEqualTo("ok");
        assertThat(postAndRead(http, "/b")).isEqualTo("ok");
        assertThat(backend.connections()).isEqualTo(2);
        assertThat(backend.requests())
                .extracting(FakeBackend.Request::connection)
                .containsExactly(0, 1);
    }

    @Test
    void aConnectionWithBytesPastTheEndOfTheBodyIsNotReused() throws Exception {
        // A second answer nobody asked for rides behind the first; pooled, it would answer the next request.
        backend = fixture.backend(
                (connection, index) -> connection.answerAll("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale"));
        UpstreamHttp http = fixture.http(backend.url());

        assertThat(postAndRead(http, "/a")).isEqualTo("ok");
        assertThat(postAndRead(http, "/b")).isEqualTo("ok");
        assertThat(backend.connections()).isEqualTo(2);
    }

    @Test
    void anAnswerWithBothTransferEncodingAndContentLengthIsReadChunkedAndItsConnectionNotReused() throws Exception {
        backend = fixture.backend((connection, index) ->
                connection.answerAll("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                        + chunk("hello") + "0\r\n\r\n"));
        UpstreamHttp http = fixture.http(backend.url());

        assertThat(postAndRead(http, "/a")).isEqualTo("hello");
        assertThat(postAndRead(http, "/b")).isEqualTo("hello");
        assertThat(backend.connections()).isEqualTo(2);
    }

    @Test
    void anAbandonedHalfReadBodyDoesNotGoBackToThePool() throws Exception {
        backend = fixture.backend((connection, index) -> {
            if (index == 0) {
                connection.read();
                connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + "x".repeat(10));
                fixture.testOver.await(60, TimeUnit.SECONDS);
                connection.write("x".repeat(990));
            }
            connection.answerAll(json("{\"n\":3}"));
        });
        UpstreamHttp http = fixture.http(backend.url());

        try (UpstreamHttp.Exchange exchange = http.post("/a", "{}".getBytes(StandardCharsets.UTF_8), "r", Map.of())) {
            assertThat(exchange.body().readNBytes(5)).hasSize(5);
        }
        assertThat(postAndRead(http, "/b")).isEqualTo("{\"n\":3}");

        assertThat(backend.connections()).isEqualTo(2);
        assertThat(backend.requests())
                .extracting(FakeBackend.Request::connection)
                .containsExactly(0, 1);
    }

    @Test
    void aStreamReadUpToItsLastEventIsPooledOnceItsFinalChunkIsDrained() throws Exception {
        // A reader stops at "[DONE]" and never asks for the terminating chunk; close() reads it.
        String stream = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk("data: {\"n\":1}\n\n") + chunk("data: [DONE]\n\n") + "0\r\n\r\n";
        backend = fixture.backend((connection, index) -> connection.answerAll(stream));
        UpstreamHttp http = fixture.http(backend.url());

        for (int i = 0; i < 2; i++) {
            try (UpstreamHttp.Exchange exchange =
                            http.post("/s", "{}".getBytes(StandardCharsets.UTF_8), "r", Map.of());
                    BufferedReader reader =
                            new BufferedReader(new InputStreamReader(exchange.body(), StandardCharsets.UTF_8))) {
                String line;
                do {
                    line = reader.readLine();
                } while (!line.equals("data: [DONE]"));
            }
        }
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void aPooledConnectionTheBackendClosedWhileIdleIsRetriedOnceOnANewOne() throws Exception {
        CountDownLatch idleClosed = new CountDownLatch(1);
        backend = fixture.backend((connection, index) -> {
            if (index == 0) {
                connection.read();
                connection.write(json("{\"n\":\"first\"}"));
                connection.close();
                idleClosed.countDown();
                return;
            }
            connection.answerAll(json("{\"n\":\"fresh\"}"));
        });
        UpstreamHttp http = fixture.http(backend.url());

        assertThat(postAndRead(http, "/a")).isEqualTo("{\"n\":\"first\"}");
        assertThat(idleClosed.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(postAndRead(http, "/b")).isEqualTo("{\"n\":\"fresh\"}");

        assertThat(backend.connections()).isEqualTo(2);
    }

    @Test
    void aNewConnectionClosedBeforeAnAnswerIsAnErrorAndNotRetried() throws Exception {
        backend = fixture.backend((connection, index) -> connection.read());
        UpstreamHttp http = fixture.http(backend.url());

        assertThatThrownBy(() -> postAndRead(http, "/a"))
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNREACHABLE))
                .hasMessage("backend 'test' could not be reached (connection closed)");
        assertThat(backend.connections()).isEqualTo(1);
        assertThat(backend.requests()).hasSize(1);
    }

    @Test
    void aRequestIsRetriedAtMostOnce() throws Exception {
        // The first connection answers once, then takes the next request and hangs up; so does every later one.
        backend = fixture.backend((connection, index) -> {
            if (index == 0) {
                connection.read();
                connection.write(json("{}"));
            }
            connection.read();
        });
        UpstreamHttp http = fixture.http(backend.url());
        assertThat(postAndRead(http, "/a")).isEqualTo("{}");

        assertThatThrownBy(() -> postAndRead(http, "/b"))
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNREACHABLE));
        assertThat(backend.connections()).isEqualTo(2);
        assertThat(backend.requests())
                .extracting(FakeBackend.Request::line)
                .containsExactly("POST /a HTTP/1.1", "POST /b HTTP/1.1", "POST /b HTTP/1.1");
    }

    @Test
    void aBackendThatAnswersPartOfAHeadIsNotRetried() throws Exception {
        backend = fixture.backend((connection, index) -> {
            connection.read();
            if (index == 0) {
                connection.write(json("{}"));
                connection.read();
            }
            connection.write("HTTP/1.1 200 OK\r\nContent-");
        });
        UpstreamHttp http = fixture.http(backend.url());
        assertThat(postAndRead(http, "/a")).isEqualTo("{}");

        assertThatThrownBy(() -> postAndRead(http, "/b")).isInstanceOf(PalisadeException.class);
        assertThat(backend.connections()).isEqualTo(1);
    }
}
