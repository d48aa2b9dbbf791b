package io.palisade.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.Palisade;
import io.palisade.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A real Palisade whose {@code server:} section the test writes (the listener's own settings),
 * with a configured admin key, one model "m" on {@code backendUrl}, and raw-socket helpers.
 */
final class ListenerFixture implements AutoCloseable {
    static final String ADMIN_KEY = "pal_listener_test_admin_key_long_enough";
    private static final ObjectMapper JSON = new ObjectMapper();

    final Palisade palisade;

    private ListenerFixture(Palisade palisade) {
        this.palisade = palisade;
    }

    /** {@code serverSettings}: YAML mapping entries for {@code server:}, e.g. {@code "header_timeout: 1s"}. */
    static ListenerFixture start(Path dir, String serverSettings, String backendUrl) {
        String yaml = """
                server: {port: 0%s}
                store: {url: "sqlite:%s"}
                admin: {key: "%s"}
                backends:
                  - {name: sim, kind: openai, url: "%s/v1", discover_models: false, timeouts: {connect: 1s, first_byte: 10s, total: 30s}}
                models:
                  - {name: m, backend: sim, upstream_model: "qwen3:0.6b"}
                """.formatted(
                        serverSettings.isBlank() ? "" : ", " + serverSettings,
                        dir.resolve("palisade.db"),
                        ADMIN_KEY,
                        backendUrl);
        return new ListenerFixture(Palisade.start(new ConfigLoader(Map.of()).parse(yaml), Clock.systemUTC()));
    }

    int port() {
        return palisade.port();
    }

    Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
        return socket;
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        // A client per call: a kept-alive connection would meet the short header timeouts some tests set
        // (the server closes a connection idle past it, and a POST sent on it as it closes is not retried).
        try (HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path));
        return key == null ? builder : builder.header("Authorization", "Bearer " + key);
    }

    JsonNode admin(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(request(path, ADMIN_KEY)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    method + " " + path + " -> " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** A user's key granted model "m". */
    String userKey(String email) throws IOException, InterruptedException {
        admin("POST", "/admin/users", "{\"email\":\"" + email + "\"}");
        return admin(
                        "POST",
                        "/admin/keys",
                        "{\"user\":\"" + email + "\",\"label\":\"test\",\"allowed_models\":[\"m\"]}")
                .path("key")
                .asText();
    }

    /**
     * Reads what the server sends until it closes the connection; fails if it has not closed
     * within {@code bound} (a generous bound: the condition is the close, not the time).
     */
    static String readUntilClosed(Socket socket, Duration bound) throws IOException {
        socket.setSoTimeout((int) bound.toMillis());
        long deadline = System.nanoTime() + bound.toNanos();
        StringBuilder received = new StringBuilder();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                received.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "the server kept the connection open past " + bound + "; received: " + received);
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError(
                    "the server kept the connection open past " + bound + "; received: " + received, e);
        } catch (java.net.SocketException reset) {
            // A reset is a close too.
        }
        return received.toString();
    }

    @Override
    public void close() {
        palisade.close();
    }
}
