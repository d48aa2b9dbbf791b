package io.palisade.upstream;

import static io.palisade.upstream.UpstreamFixture.postAndRead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.palisade.config.Secret;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.metrics.UpstreamErrorKind;
import java.net.URI;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Error statuses become Palisade errors with the backend's own message and without secrets. */
class UpstreamStatusTest {
    @AutoClose
    private final UpstreamFixture fixture = new UpstreamFixture();

    private FakeBackend backend;

    @Test
    void tooManyRequestsIsUnavailableWithRetryAfter() throws Exception {
        UpstreamStatusException e = failureFor(429, "Too Many Requests", "{\"error\":{\"message\":\"queue is full\"}}");

        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(e.getMessage()).isEqualTo("backend 'test' is overloaded (it answered 429): queue is full");
        assertThat(e.headers()).containsEntry("Retry-After", "1");
        assertThat(e.status()).isEqualTo(429);
    }

    @Test
    void serviceUnavailableIsUnavailable() throws Exception {
        UpstreamStatusException e = failureFor(503, "Service Unavailable", "{\"error\":\"model is loading\"}");

        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(e.getMessage()).isEqualTo("backend 'test' is unavailable (it answered 503): model is loading");
    }

    @Test
    void badRequestIsTheCallersError() throws Exception {
        UpstreamStatusException e = failureFor(
                400,
                "Bad Request",
                "{\"object\":\"error\",\"message\":\"unused\",\"error\":{\"message\":\"max_tokens must be positive\"}}");

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.getMessage()).isEqualTo("backend 'test' rejected the request: max_tokens must be positive");
    }

    @Test
    void aServerErrorIsABadResponseWithItsStatus() throws Exception {
        UpstreamStatusException e = failureFor(500, "Internal Server Error", "<html>oops</html>");

        assertThat(e.code()).isEqualTo(ErrorCode.UPSTREAM_BAD_RESPONSE);
        assertThat(e.getMessage()).isEqualTo("backend 'test' answered HTTP 500");
    }

    @Test
    void notFoundIsRecognisedByItsStatusNotItsWording() throws Exception {
        UpstreamStatusException notFound = failureFor(404, "Not Found", "{\"error\":\"answered HTTP 200\"}");
        UpstreamStatusException notAllowed = failureFor(405, "Method Not Allowed", "");
        UpstreamStatusException gone = failureFor(410, "Gone", "{\"error\":\"answered HTTP 404\"}");

        assertThat(ServedModel.answeredNotFound(notFound)).isTrue();
        assertThat(ServedModel.answeredNotFound(notAllowed)).isTrue();
        assertThat(ServedModel.answeredNotFound(gone)).isFalse();
        assertThat(ServedModel.answeredNotFound(
                        new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, "backend 'x' answered HTTP 404")))
                .as("only the backend's status counts")
                .isFalse();
    }

    @Test
    void theMetricsKindOfAStatusComesFromTheStatusNotItsWording() throws Exception {
        assertThat(UpstreamErrorKind.of(failureFor(400, "Bad Request", "{}"))).isEqualTo("4xx");
        assertThat(UpstreamErrorKind.of(failureFor(413, "Content Too Large", "{}")))
                .isEqualTo("4xx");
        assertThat(UpstreamErrorKind.of(failureFor(404, "Not Found", "{\"error\":\"answered HTTP 500\"}")))
                .isEqualTo("protocol");
        assertThat(UpstreamErrorKind.of(failureFor(429, "Too Many Requests", "{}")))
                .isEqualTo("5xx");
        assertThat(UpstreamErrorKind.of(failureFor(502, "Bad Gateway", "{}"))).isEqualTo("5xx");
        assertThat(UpstreamErrorKind.of(failureFor(504, "Gateway Timeout", "{}")))
                .isEqualTo("timeout");
        assertThat(UpstreamErrorKind.of(
                        new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, "backend 'x' answered HTTP 500")))
                .as("only the backend's status counts")
                .isEqualTo("protocol");
    }

    @Test
    void messagesNameTheBackendButNeverItsUrlOrKey() throws Exception {
        backend = fixture.backend(
                (connection, index) -> connection.answerAll("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 2\r\n\r\n{}"));
        URI url = URI.create("http://user:password@127.0.0.1:" + backend.url().getPort() + "/secret-path");
        UpstreamHttp http = fixture.http(url, UpstreamFixture.GENEROUS, Secret.of("sk-very-secret", "inline"));

        PalisadeException e =
                catchThrowableOfType(PalisadeException.class, () -> postAndRead(http, "/v1/chat/completions"));

        assertThat(e.getMessage())
                .isEqualTo("backend 'test' answered HTTP 502")
                .doesNotContain(
                        "password",
                        "sk-very-secret",
                        "secret-path",
                        String.valueOf(backend.url().getPort()));
        assertThat(backend.requests().getFirst().headers()).containsEntry("authorization", "Bearer sk-very-secret");
    }

    private UpstreamStatusException failureFor(int status, String reason, String body) throws Exception {
        if (backend != null) {
            backend.close();
        }
        int length = body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        backend = fixture.backend((connection, index) -> connection.answerAll("HTTP/1.1 " + status + " " + reason
                + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n" + body));
        return catchThrowableOfType(
                UpstreamStatusException.class, () -> postAndRead(fixture.http(backend.url()), "/v1/chat/completions"));
    }
}
