package io.palisade.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.config.BackendConfig;
import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * HTTP to one backend with its three time limits: connect (client setting), first byte (the wait
 * for response headers) and total (a watchdog that closes the body stream at the deadline, so a
 * backend that trickles forever cannot pin a caller). Maps transport failures and error statuses
 * to Palisade's upstream error codes, naming the backend and never its URL credentials or key.
 * Thread-safe.
 */
public final class UpstreamHttp {
    private final BackendConfig backend;
    private final HttpClient client;
    private final ScheduledExecutorService watchdog;
    private final ObjectMapper json;

    public UpstreamHttp(BackendConfig backend, ScheduledExecutorService watchdog, ObjectMapper json) {
        this.backend = backend;
        this.watchdog = watchdog;
        this.json = json;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(backend.timeouts().connect())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** An open response whose body must be closed by the caller; the total deadline is armed. */
    public record Exchange(HttpResponse<InputStream> response, ScheduledFuture<?> deadline) implements AutoCloseable {
        public InputStream body() {
            return response.body();
        }

        @Override
        public void close() {
            deadline.cancel(false);
            try {
                response.body().close();
            } catch (IOException ignored) {
                // the stream is being abandoned; nothing left to release
            }
        }
    }

    public Exchange post(String path, byte[] body, String requestId, Map<String, String> extraHeaders) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backend.url() + path))
                .timeout(backend.timeouts().firstByte())
                .header("Content-Type", "application/json")
                .header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        extraHeaders.forEach(request::header);
        return send(request);
    }

    public Exchange get(String path, String requestId) {
        return send(HttpRequest.newBuilder(URI.create(backend.url() + path))
                .timeout(backend.timeouts().firstByte())
                .header("X-Request-Id", requestId)
                .GET());
    }

    /** Reads a whole JSON body, or fails with a 502 naming the backend. */
    public JsonNode readJson(Exchange exchange) {
        try {
            return json.readTree(exchange.body());
        } catch (IOException e) {
            throw failure(e, "its answer was not valid JSON");
        }
    }

    /** The error to report when a read from the backend failed midway. */
    public PalisadeException failure(IOException e, String badAnswer) {
        if (e instanceof HttpTimeoutException) {
            return new PalisadeException(ErrorCode.UPSTREAM_TIMEOUT, "backend '" + backend.name() + "' did not answer in time");
        }
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            return new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, "backend '" + backend.name() + "' sent a bad answer: " + badAnswer);
        }
        return new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE,
                "backend '" + backend.name() + "' broke off its answer (" + describe(e) + ")");
    }

    private Exchange send(HttpRequest.Builder request) {
        if (backend.apiKey().isPresent()) {
            request.header("Authorization", "Bearer " + backend.apiKey().reveal());
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new PalisadeException(ErrorCode.UPSTREAM_UNREACHABLE, "backend '" + backend.name() + "' is unreachable");
        } catch (HttpTimeoutException e) {
            throw new PalisadeException(ErrorCode.UPSTREAM_TIMEOUT,
                    "backend '" + backend.name() + "' did not start answering within " + backend.timeouts().firstByte().toSeconds() + "s");
        } catch (IOException e) {
            throw new PalisadeException(ErrorCode.UPSTREAM_UNREACHABLE,
                    "backend '" + backend.name() + "' could not be reached (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PalisadeException(ErrorCode.UPSTREAM_UNAVAILABLE, "request to backend '" + backend.name() + "' was interrupted");
        }
        InputStream body = response.body();
        ScheduledFuture<?> deadline = watchdog.schedule(() -> {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing is how the deadline is enforced; a failure to close changes nothing
            }
        }, backend.timeouts().total().toMillis(), TimeUnit.MILLISECONDS);
        Exchange exchange = new Exchange(response, deadline);
        if (response.statusCode() >= 300) {
            try (exchange) {
                throw statusFailure(response.statusCode(), readSmall(body));
            }
        }
        return exchange;
    }

    private PalisadeException statusFailure(int status, String body) {
        String detail = upstreamMessage(body);
        String name = "backend '" + backend.name() + "'";
        return switch (status) {
            case 400, 422 -> new PalisadeException(ErrorCode.INVALID_REQUEST, name + " rejected the request" + detail);
            case 413 -> new PalisadeException(ErrorCode.PAYLOAD_TOO_LARGE, name + " rejected the request as too large" + detail);
            case 429 -> new PalisadeException(ErrorCode.UPSTREAM_UNAVAILABLE, name + " is overloaded (it answered 429)" + detail,
                    null, Map.of("Retry-After", "1"));
            case 503 -> new PalisadeException(ErrorCode.UPSTREAM_UNAVAILABLE, name + " is unavailable (it answered 503)" + detail);
            case 504 -> new PalisadeException(ErrorCode.UPSTREAM_TIMEOUT, name + " timed out (it answered 504)");
            default -> new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, name + " answered HTTP " + status + detail);
        };
    }

    /** The backend's own error message, shortened: useful to the caller, not a dump. */
    private String upstreamMessage(String body) {
        try {
            JsonNode node = json.readTree(body);
            JsonNode error = node.path("error");
            String message = error.isTextual() ? error.asText() : error.path("message").asText("");
            if (message.isBlank()) {
                return "";
            }
            return ": " + (message.length() > 300 ? message.substring(0, 300) + "…" : message);
        } catch (IOException e) {
            return "";
        }
    }

    private static String readSmall(InputStream body) {
        try {
            return new String(body.readNBytes(8192), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String describe(IOException e) {
        String simple = e.getClass().getSimpleName();
        return simple.isEmpty() ? "I/O error" : simple.replaceAll("Exception$", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
    }
}
