package io.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests Jetty refuses before any route runs, sent over a raw socket as a hostile client would:
 * each answer is the API's JSON error (not Jetty's HTML page), and each is on the audit record as
 * a denial of an unidentified caller.
 */
class ProtocolErrorsTest {
    @TempDir
    static Path dir;

    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(dir);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    // Raw requests spelt with their CRLF line ends on purpose; a text block would hide them.
    @SuppressWarnings("StringConcatToTextBlock")
    void everyRefusalOfJettysIsJsonInTheApiShapeAndAudited() throws IOException {
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("bad request line", "GARBAGE\r\n\r\n");
        requests.put("header without colon", "GET /v1/models HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n");
        requests.put("control character in a header", "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n");
        requests.put(
                "headers too large",
                "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n");
        requests.put("URI too long", "GET /v1/" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        requests.put("bad percent encoding", "GET /v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
        requests.put(
                "bad percent encoding, asking for HTML",
                "GET /v1/%zz HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\n\r\n");
        requests.put("path escaping the root", "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n");
        requests.put(
                "unknown transfer coding",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo\r\n\r\n");
        requests.put("folded header", "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n");
        requests.put("HTTP/2 preface on HTTP/1.1", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        requests.put("unknown HTTP version", "GET /v1/models HTTP/7.3\r\nHost: x\r\n\r\n");
        requests.put(
                "two content lengths",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
        requests.put(
                "invalid chunk size",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
        int before = unidentifiedRefusals();
        for (Map.Entry<String, String> request : requests.entrySet()) {
            RawAnswer answer = send(request.getValue());
            String what = request.getKey() + " -> " + answer;
            assertThat(answer.status).as(what).isBetween(400, 599);
            assertThat(answer.headers.get("content-type")).as(what).startsWith("application/json");
            JsonNode error = TestGateway.json(answer.body).path("error");
            assertThat(error.path("message").asText()).as(what).isNotBlank();
            assertThat(error.path("type").asText()).as(what).isNotBlank();
            assertThat(error.path("code").asText()).as(what).isNotBlank();
            assertThat(error.has("param")).as(what).isTrue();
        }
        assertThat(unidentifiedRefusals() - before).isEqualTo(requests.size());
    }

    @Test
    void sizeRefusalsKeepTheirStatusAndSayWhy() throws IOException {
        RawAnswer headers = send("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n");
        assertThat(headers.status).isEqualTo(431);
        assertThat(TestGateway.json(headers.body).path("error").path("code").asText())
                .isEqualTo("headers_too_large");
        RawAnswer uri = send("GET /v1/" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(uri.status).isEqualTo(414);
        assertThat(TestGateway.json(uri.body).path("error").path("code").asText())
                .isEqualTo("uri_too_long");
        List<JsonNode> records = gateway.auditRecords();
        assertThat(records).anySatisfy(r -> {
            assertThat(r.path("caller").asText()).isEqualTo("unidentified");
            assertThat(r.path("status").asInt()).isEqualTo(431);
            assertThat(r.path("reason").asText()).isEqualTo("headers_too_large");
            assertThat(r.path("client").asText()).isEqualTo("127.0.0.1");
        });
        String scrape = gateway.get("/metrics", TestGateway.ADMIN_KEY).body();
        assertThat(scrape)
                .containsPattern(
                        "palisade_requests_total\\{[^}]*decision=\"headers_too_large\"[^}]*route=\"unmatched\"");
    }

    @Test
    void aBrokenChunkedBodyBehindAValidKeyIsAJson400() throws IOException {
        RawAnswer answer = send(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestGateway.ADMIN_KEY
                        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\nzz\r\n1}\r\n0\r\n\r\n");
        assertThat(answer.status).as(answer.toString()).isEqualTo(400);
        assertThat(answer.headers.get("content-type")).as(answer.toString()).startsWith("application/json");
        assertThat(TestGateway.json(answer.body).path("error").path("type").asText())
                .isEqualTo("invalid_request_error");
    }

    private static int unidentifiedRefusals() {
        return (int) gateway.auditRecords().stream()
                .filter(r -> "unidentified".equals(r.path("caller").asText()))
                .count();
    }

    private record RawAnswer(int status, Map<String, String> headers, String body) {}

    /** Sends {@code request} as it is and reads one answer (the body up to Content-Length, or to the close). */
    private static RawAnswer send(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.palisade.port())) {
            socket.setSoTimeout(30_000); // a guard against a hung test, not a wait
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                headers.put(
                        header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        header.substring(colon + 1).trim());
            }
            byte[] body = headers.containsKey("content-length")
                    ? in.readNBytes(Integer.parseInt(headers.get("content-length")))
                    : in.readAllBytes();
            return new RawAnswer(
                    Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
