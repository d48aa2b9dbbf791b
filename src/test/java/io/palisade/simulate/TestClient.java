package io.palisade.simulate;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Real HTTP against a running simulator, HTTP/1.1 as the gateway speaks to backends. */
final class TestClient {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        // Without a logback config the root logger is DEBUG, and Jetty at DEBUG slows tests down.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.eclipse.jetty")).setLevel(Level.WARN);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.javalin")).setLevel(Level.WARN);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("jdk.internal.httpclient")).setLevel(Level.WARN);
    }

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    TestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    static Simulator startSimulator(SimulatorConfig config) {
        return new Simulator(config.withPort(0)).start();
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(request(path, headers).GET().build());
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        return send(request(path, headers)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** Posts and reads the body as lines, as a streaming client does; fails on a broken stream. */
    HttpResponse<InputStream> postForStream(String path, String body, String... headers) throws IOException {
        try {
            return http.send(
                    request(path, headers)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    HttpResponse<String> sendRaw(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path, String... headers) {
        var builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** NDJSON lines of an Ollama stream, parsed. */
    static List<JsonNode> ndjson(String body) {
        var lines = new ArrayList<JsonNode>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                lines.add(json(line));
            }
        }
        return lines;
    }

    /** The data payloads of an SSE stream, raw (the last is "[DONE]" on a complete stream). */
    static List<String> sseData(String body) {
        var data = new ArrayList<String>();
        for (String event : body.split("\n\n")) {
            if (event.startsWith("data: ")) {
                data.add(event.substring("data: ".length()));
            }
        }
        return data;
    }
}
