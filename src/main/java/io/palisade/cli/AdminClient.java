package io.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The CLI's HTTP client for the admin API. API errors come back in OpenAI's error shape and are
 * turned into one readable line; a server that cannot be reached is a usage error (exit 2).
 */
final class AdminClient {
    private final URI base;
    private final String adminKey;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    AdminClient(String url, String adminKey) {
        if (adminKey == null || adminKey.isBlank()) {
            throw new CliException(
                    "no admin key: pass --admin-key or set PALISADE_ADMIN_KEY", PalisadeCommand.EXIT_USAGE);
        }
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.adminKey = adminKey;
    }

    JsonNode get(String path, Map<String, String> query) {
        return parse(send("GET", path + queryString(query), null));
    }

    JsonNode post(String path, Object body) {
        return parse(send("POST", path, body));
    }

    JsonNode put(String path, Object body) {
        return parse(send("PUT", path, body));
    }

    /** A raw body (exports), already checked for success. */
    InputStream stream(String method, String path, Map<String, String> query) {
        return send(method, path + queryString(query), null).body();
    }

    JsonNode delete(String path, Map<String, String> query) {
        return parse(send("DELETE", path + queryString(query), null));
    }

    private HttpResponse<InputStream> send(String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofMinutes(5))
                    .header("Authorization", "Bearer " + adminKey);
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() >= 300) {
                String text = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
                String message = text;
                try {
                    // OpenAI-shaped errors carry error.message; outcomes such as a refused reload carry message.
                    JsonNode answer = json.readTree(text);
                    message = answer.path("error")
                            .path("message")
                            .asText(answer.path("message").asText(text));
                } catch (IOException ignored) {
                    // not JSON: show it as it came
                }
                throw new CliException("HTTP " + response.statusCode() + ": " + message, PalisadeCommand.EXIT_FAILURE);
            }
            return response;
        } catch (ConnectException e) {
            throw new CliException(
                    "cannot reach Palisade at " + base + " (is 'palisade serve' running? set --url or PALISADE_URL)",
                    PalisadeCommand.EXIT_USAGE);
        } catch (IOException e) {
            throw new CliException("request to " + base + " failed: " + e.getMessage(), PalisadeCommand.EXIT_USAGE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", PalisadeCommand.EXIT_FAILURE);
        }
    }

    private JsonNode parse(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            byte[] bytes = body.readAllBytes();
            return bytes.length == 0 ? json.nullNode() : json.readTree(bytes);
        } catch (IOException e) {
            throw new CliException(
                    "Palisade sent an unreadable answer: " + e.getMessage(), PalisadeCommand.EXIT_FAILURE);
        }
    }

    /**
     * One path segment from the operator's input (a user's email, a team or key id), percent-encoded
     * so that a space, '/', '?' or '#' in it stays inside the segment instead of breaking or
     * redirecting the request. Every variable part of an admin path goes through here.
     */
    static String segment(String value) {
        // URLEncoder encodes for forms: '+' for a space is wrong in a path, and a literal '+' is already %2B.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String queryString(Map<String, String> query) {
        Map<String, String> present = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (v != null) {
                present.put(k, v);
            }
        });
        if (present.isEmpty()) {
            return "";
        }
        return "?"
                + present.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
    }
}
