package io.palisade.upstream;

import static io.palisade.upstream.FakeBackend.chunk;
import static io.palisade.upstream.FakeBackend.json;
import static io.palisade.upstream.UpstreamFixture.postAndRead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.config.Secret;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** What goes on the wire and how answers are delimited, against a hand-written server. */
class Http1FramingTest {
    @AutoClose
    private final UpstreamFixture fixture = new UpstreamFixture();

    private FakeBackend backend;

    @Test
    void aPostCarriesItsHeadersBodyAndThePathJoinedToTheBackendPath() throws Exception {
        backend = fixture.backend((connection, index) -> connection.answerAll(json("{\"ok\":true}")));
        UpstreamHttp http = fixture.http(
                URI.create(backend.url() + "/base"), UpstreamFixture.GENEROUS, Secret.of("sk-test", "inline"));
        byte[] body = "{\"model\":\"m\",\"prompt\":\"héllo\"}".getBytes(StandardCharsets.UTF_8);

        try (UpstreamHttp.Exchange exchange =
                http.post("/v1/completions", body, "req-42", Map.of("traceparent", "00-abc-def-01"))) {
            assertThat(http.readJson(exchange).path("ok").asBoolean()).isTrue();
        }

        FakeBackend.Request request = backend.requests().getFirst();
        assertThat(request.line()).isEqualTo("POST /base/v1/completions HTTP/1.1");
        assertThat(request.headers())
                .containsEntry("host", "127.0.0.1:" + backend.url().getPort())
                .containsEntry("content-type", "application/json")
                .containsEntry("content-length", String.valueOf(body.length))
                .containsEntry("x-request-id", "req-42")
                .containsEntry("traceparent", "00-abc-def-01")
                .containsEntry("authorization", "Bearer sk-test");
        assertThat(request.body()).isEqualTo("{\"model\":\"m\",\"prompt\":\"héllo\"}");
    }

    @Test
    void aGetHasNoBodyHeadersAndKeepsTheQueryOfItsPath() throws Exception {
        backend = fixture.backend((connection, index) -> connection.answerAll(json("{\"data\":[]}")));
        UpstreamHttp http = fixture.http(URI.create(backend.url() + "/base"));

        try (UpstreamHttp.Exchange exchange = http.get("/v1/models?limit=5&after=a%20b", "discovery")) {
            http.readJson(exchange);
        }

        FakeBackend.Request request = backend.requests().getFirst();
        assertThat(request.line()).isEqualTo("GET /base/v1/models?limit=5&after=a%20b HTTP/1.1");
        assertThat(request.headers())
                .containsEntry("x-request-id", "discovery")
                .doesNotContainKeys("content-length", "content-type", "authorization");
    }

    @Test
    void headerValuesThatWouldSplitTheRequestAreRefusedBeforeAnythingIsSent() throws Exception {
        backend = fixture.backend((connection, index) -> connection.answerAll(json("{}")));
        UpstreamHttp http = fixture.http(backend.url());
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> http.post("/a", body, "r", Map.of("traceparent", "00-abc\r\nX-Injected: 1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header value not allowed for traceparent");
        assertThatThrownBy(() -> http.post("/a", body, "r", Map.of("traceparent", "00-abc\nGET /admin HTTP/1.1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> http.get("/a", "r\r\nX-Injected: 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header value not allowed for X-Request-Id");
        assertThatThrownBy(() -> http.post("/a", body, "r", Map.of("Content-Length", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header name not allowed: Content-Length");
        assertThatThrownBy(() -> http.post("/a", body, "r", Map.of("X-Bad: 1\r\nX-Also", "v")))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(postAndRead(http, "/ok")).isEqualTo("{}");
        assertThat(backend.requests()).extracting(FakeBackend.Request::line).containsExactly("POST /ok HTTP/1.1");
    }

    @Test
    void aContentLengthBodyIsReadExactlyAndLeavesTheConnectionReady() throws Exception {
        // Headers in odd case: names are case-insensitive.
        String answer = "HTTP/1.1 200 OK\r\ncontent-LENGTH: 5\r\nCONTENT-type: text/plain\r\n\r\nhello";
        backend = fixture.backend((connection, index) -> connection.answerAll(answer));
        UpstreamHttp http = fixture.http(backend.url());

        assertThat(postAndRead(http, "/a")).isEqualTo("hello");
        assertThat(postAndRead(http, "/b")).isEqualTo("hello");
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void aChunkedBodyIsDechunkedWithExtensionsAndTrailersIgnored() throws Exception {
        String answer = "HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: Chunked\r\n\r\n"
                + chunk("first ")
                + "7;name=value;other=\"quoted\"\r\nsecond \r\n"
                + chunk("third, a longer chunk of text")
                + "0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n";
        backend = fixture.backend((connection, index) -> connection.answerAll(answer));
        UpstreamHttp http = fixture.http(backend.url());

        assertThat(postAndRead(http, "/a")).isEqualTo("first second third, a longer chunk of text");
        // The trailers were consumed: the next answer on the same connection parses cleanly.
        assertThat(postAndRead(http, "/b")).isEqualTo("first second third, a longer chunk of text");
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void aBodyWithoutLengthEndsWhenTheBackendClosesAndItsConnectionIsNotReused() throws Exception {
        backend = fixture.backend((connection, index) -> {
            connection.read();
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n\r\n{\"n\":1}\n{\"n\":2}\n");
        });
        UpstreamHttp http = fixture.http(backend.url());

        assertThat(postAndRead(http, "/a")).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
        assertThat(postAndRead(http, "/b")).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
        assertThat(backend.connections()).isEqualTo(2);
    }

    @Test
    void interimAnswersAreSkipped() throws Exception {
        backend = fixture.backend((connection, index) -> {
            connection.read();
            connection.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
                    + json("{\"n\":7}"));
        });
        UpstreamHttp http = fixture.http(backend.url());

        try (UpstreamHttp.Exchange exchange = http.get("/x", "r")) {
            assertThat(http.readJson(exchange).path("n").asInt()).isEqualTo(7);
        }
    }

    @Test
    void noContentHasNoBodyEvenWithoutLength() throws Exception {
        backend = fixture.backend((connection, index) -> connection.answerAll("HTTP/1.1 204 No Content\r\n\r\n"));
        UpstreamHttp http = fixture.http(backend.url());

        assertThat(postAndRead(http, "/a")).isEmpty();
        assertThat(postAndRead(http, "/b")).isEmpty();
        assertThat(backend.connections()).isEqualTo(1);
    }

    @Test
    void http10IsReusedOnlyWhenItSaysKeepAlive() throws Exception {
        backend = fixture.backend((connection, index) -> connection.answerAll(
                index == 0
                        ? "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"
                        : "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok"));
        UpstreamHttp http = fixture.http(backend.url());

        assertThat(postAndRead(http, "/a")).isEqualTo("ok");
        assertThat(postAndRead(http, "/b")).isEqualTo("ok");
        assertThat(postAndRead(http, "/c")).isEqualTo("ok");
        assertThat(backend.connections()).isEqualTo(2);
    }

    @Test
    void headersBeyondTheBoundAreABadAnswer() throws Exception {
        String big = "X-Filler: " + "x".repeat(1000) + "\r\n";
        backend = fixture.backend((connection, index) -> {
            connection.read();
            connection.write("HTTP/1.1 200 OK\r\n" + big.repeat(70) + "Content-Length: 2\r\n\r\nok");
        });
        UpstreamHttp http = fixture.http(backend.url());

        assertThatThrownBy(() -> postAndRead(http, "/a"))
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE))
                .hasMessage("backend 'test' sent a bad answer: its response head is larger than 64 KiB");
    }

    @Test
    void aStatusLineThatIsNotHttp11IsABadAnswer() throws Exception {
        backend = fixture.backend((connection, index) -> {
            connection.read();
            connection.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
        });
        UpstreamHttp http = fixture.http(backend.url());

        assertThatThrownBy(() -> postAndRead(http, "/a"))
                .isInstanceOfSatisfying(
                        PalisadeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE))
                .hasMessage("backend 'test' sent a bad answer: its status line is not HTTP/1.1");
    }

    @Test
    void aBodyCutShortOfItsLengthIsReportedAsBrokenOff() throws Exception {
        backend = fixture.backend((connection, index) -> {
            connection.read();
            connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":");
        });
        UpstreamHttp http = fixture.http(backend.url());

        try (UpstreamHttp.Exchange exchange = http.get("/x", "r")) {
            assertThatThrownBy(() -> http.readJson(exchange))
                    .isInstanceOfSatisfying(
                            PalisadeException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE))
                    .hasMessage("backend 'test' broke off its answer (connection closed)");
        }
    }

    @Test
    void aMalformedChunkIsABadAnswerMidBody() throws Exception {
        backend = fixture.backend((connection, index) -> {
            connection.read();
            connection.write(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("{\"a\":") + "zz\r\n1\r\n\r\n");
        });
        UpstreamHttp http = fixture.http(backend.url());

        try (UpstreamHttp.Exchange exchange = http.get("/x", "r")) {
            assertThatThrownBy(() -> http.readJson(exchange))
                    .isInstanceOfSatisfying(
                            PalisadeException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE))
                    .hasMessage("backend 'test' sent a bad answer: its chunk size is malformed");
        }
    }
}
