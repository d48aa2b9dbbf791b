package io.palisade.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.config.BackendConfig;
import io.palisade.config.Timeouts;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * HTTP to one backend with its three time limits: connect, first byte (the wait for response
 * headers) and total (the whole exchange: its watchdog ends the answer at the deadline, so a
 * backend that trickles forever cannot pin a caller); the last two are one
 * {@link ExchangeDeadline}. Maps transport failures and error statuses to Palisade's upstream
 * error codes, naming the backend and never its URL credentials or key.
 *
 * <p>An {@code http://} backend is spoken to by {@link Http1Transport}, a blocking HTTP/1.1
 * client on the caller's thread over a pool of keep-alive connections ({@value #MAX_IDLE_CONNECTIONS}
 * idle at most, none reused after {@link #MAX_IDLE_TIME} idle, under the 5 s after which uvicorn
 * closes them). The pool belongs to this object, so to one backend config; when a reload replaces
 * the client, the old pool's idle connections are closed by an {@link IdleSweep} on the watchdog,
 * which holds the pool only weakly. An {@code https://} backend keeps the JDK's {@code HttpClient}
 * ({@link JdkTransport}), which handles TLS. Thread-safe.
 */
public final class UpstreamHttp {
    /**
     * Enough for every request in flight to one backend to find a connection again: a bound below
     * the gateway's peak concurrency closes and reopens connections on every request at that load
     * (64 measured 2,900 req/s with a p90 of 700 ms at 256 callers; 1,024 measured 5,300 req/s,
     * p90 73 ms; docs/performance.md). The idle time limit shrinks the pool when load falls.
     */
    static final int MAX_IDLE_CONNECTIONS = 1024;

    static final Duration MAX_IDLE_TIME = Duration.ofSeconds(4);
    private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(2);
    private static final int ERROR_BODY_BYTES = 8192;

    private final BackendConfig backend;
    private final Timeouts timeouts;
    private final String authorization; // "Bearer " and the key, or null
    private final UpstreamTransport transport;
    private final ScheduledExecutorService watchdog;
    private final ObjectMapper json;

    public UpstreamHttp(BackendConfig backend, ScheduledExecutorService watchdog, ObjectMapper json) {
        this(backend, transportFor(backend, watchdog), watchdog, json);
    }

    /** Over {@code transport} whatever the URL's scheme (tests speak to plain-HTTP servers through the JDK client). */
    UpstreamHttp(
            BackendConfig backend, UpstreamTransport transport, ScheduledExecutorService watchdog, ObjectMapper json) {
        this(backend, backend.timeouts(), transport, watchdog, json);
    }

    private UpstreamHttp(
            BackendConfig backend,
            Timeouts timeouts,
            UpstreamTransport transport,
            ScheduledExecutorService watchdog,
            ObjectMapper json) {
        this.backend = backend;
        this.timeouts = timeouts;
        this.authorization =
                backend.apiKey().isPresent() ? "Bearer " + backend.apiKey().reveal() : null;
        this.transport = transport;
        this.watchdog = watchdog;
        this.json = json;
    }

    /**
     * The same backend over the same connections, for the gateway's own background checks
     * (discovery, probes, pin checks): each exchange is bounded by the backend's {@code checks}
     * limit instead of the first-byte and total limits meant for generation.
     */
    public UpstreamHttp forChecks() {
        return new UpstreamHttp(backend, timeouts.forChecks(), transport, watchdog, json);
    }

    private static UpstreamTransport transportFor(BackendConfig backend, ScheduledExecutorService watchdog) {
        if (!"http".equalsIgnoreCase(backend.url().getScheme())) {
            return new JdkTransport(backend.url(), backend.timeouts());
        }
        ConnectionPool pool = new ConnectionPool(MAX_IDLE_CONNECTIONS, MAX_IDLE_TIME, System::nanoTime);
        IdleSweep.start(watchdog, pool, SWEEP_INTERVAL);
        return new Http1Transport(backend.url(), backend.timeouts(), pool);
    }

    /**
     * An open answer whose body must be closed by the caller; the total deadline is armed.
     * {@link #close()} before the body's end gives up the rest of the answer (and, over plain
     * HTTP, its connection). Used by one thread, except for the deadline.
     *
     * <p>The deadline aborts the transport's answer, which makes a read fail in the transport's
     * own way (a closed socket, a closed JDK stream); the body read here turns any such failure
     * after the deadline into {@link HttpTimeoutException}, so both transports report a timeout.
     */
    public static final class Exchange implements AutoCloseable {
        private final UpstreamTransport.Response response;
        private final ExchangeDeadline deadline;
        private final InputStream body;

        private Exchange(UpstreamTransport.Response response, ExchangeDeadline deadline) {
            this.response = response;
            this.deadline = deadline;
            this.body = new DeadlineBody(response.body());
            deadline.cutWith(response::abort);
        }

        /** Exactly the body's bytes (de-chunked) and then -1, passed on as they arrive. */
        public InputStream body() {
            return body;
        }

        /**
         * Gives up the rest of the answer at once, reading none of it: over plain HTTP the
         * connection is closed rather than drained for the pool (which {@link #close()} tries, for
         * up to 100 ms). For a stream whose caller is gone or that broke off, while the backend
         * may still be generating. {@link #close()} afterwards has nothing left to do.
         */
        public void abandon() {
            deadline.disarm();
            response.abort();
        }

        @Override
        public void close() {
            deadline.disarm();
            try {
                response.body().close();
            } catch (IOException ignored) {
                // the stream is being abandoned; nothing left to release
            }
        }

        private final class DeadlineBody extends InputStream {
            private final InputStream transportBody;

            DeadlineBody(InputStream transportBody) {
                this.transportBody = transportBody;
            }

            @Override
            public int read() throws IOException {
                try {
                    return transportBody.read();
                } catch (IOException e) {
                    throw translated(e);
                }
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                try {
                    return transportBody.read(target, offset, length);
                } catch (IOException e) {
                    throw translated(e);
                }
            }

            @Override
            public int available() throws IOException {
                try {
                    return transportBody.available();
                } catch (IOException e) {
                    throw translated(e);
                }
            }

            @Override
            public void close() throws IOException {
                transportBody.close();
            }

            private IOException translated(IOException e) {
                if (deadline.passed() == null || e instanceof HttpTimeoutException) {
                    return e;
                }
                HttpTimeoutException timeout = new HttpTimeoutException("the total deadline passed");
                timeout.initCause(e);
                return timeout;
            }
        }
    }

    /** A JSON {@code body} to {@code path} (joined to the backend URL's path); {@code extraHeaders} go along, checked. */
    public Exchange post(String path, byte[] body, String requestId, Map<String, String> extraHeaders) {
        return send(new UpstreamRequest("POST", path, requestId, extraHeaders, authorization, body));
    }

    public Exchange get(String path, String requestId) {
        return send(new UpstreamRequest("GET", path, requestId, Map.of(), authorization, null));
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
            return new PalisadeException(
                    ErrorCode.UPSTREAM_TIMEOUT, "backend '" + backend.name() + "' did not answer in time");
        }
        if (e instanceof MalformedAnswerException) {
            return sentBadAnswer(e.getMessage());
        }
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            return sentBadAnswer(badAnswer);
        }
        return new PalisadeException(
                ErrorCode.UPSTREAM_BAD_RESPONSE,
                "backend '" + backend.name() + "' broke off its answer (" + describe(e) + ")");
    }

    private Exchange send(UpstreamRequest request) {
        ExchangeDeadline deadline = ExchangeDeadline.arm(watchdog, timeouts);
        UpstreamTransport.Response response;
        try {
            response = transport.send(request, deadline);
        } catch (IOException | InterruptedException | RuntimeException e) {
            deadline.disarm();
            throw sendFailure(e);
        }
        Exchange exchange = new Exchange(response, deadline);
        if (response.status() >= 300) {
            try (exchange) {
                throw statusFailure(response.status(), readSmall(response.body()));
            }
        }
        return exchange;
    }

    private RuntimeException sendFailure(Exception e) {
        return switch (e) {
            case HttpConnectTimeoutException unreachable -> unreachable();
            case ConnectException unreachable -> unreachable();
            case HttpTimeoutException timeout ->
                new PalisadeException(
                        ErrorCode.UPSTREAM_TIMEOUT,
                        "backend '" + backend.name() + "' did not start answering within "
                                + (timeouts.firstByte().toMillis() % 1000 == 0
                                        ? timeouts.firstByte().toSeconds() + "s"
                                        : timeouts.firstByte().toMillis() + "ms"));
            case MalformedAnswerException malformed -> sentBadAnswer(malformed.getMessage());
            case IOException other ->
                new PalisadeException(
                        ErrorCode.UPSTREAM_UNREACHABLE,
                        "backend '" + backend.name() + "' could not be reached (" + describe(other) + ")");
            case InterruptedException interrupted -> {
                Thread.currentThread().interrupt();
                yield new PalisadeException(
                        ErrorCode.UPSTREAM_UNAVAILABLE, "request to backend '" + backend.name() + "' was interrupted");
            }
            case RuntimeException unexpected -> unexpected;
            default -> new IllegalStateException(e);
        };
    }

    private PalisadeException unreachable() {
        return new PalisadeException(ErrorCode.UPSTREAM_UNREACHABLE, "backend '" + backend.name() + "' is unreachable");
    }

    private UpstreamStatusException statusFailure(int status, String body) {
        String detail = upstreamMessage(body);
        String name = "backend '" + backend.name() + "'";
        return switch (status) {
            case 400, 422 ->
                new UpstreamStatusException(status, ErrorCode.INVALID_REQUEST, name + " rejected the request" + detail);
            case 413 ->
                new UpstreamStatusException(
                        status, ErrorCode.PAYLOAD_TOO_LARGE, name + " rejected the request as too large" + detail);
            case 429 ->
                new UpstreamStatusException(
                        status,
                        ErrorCode.UPSTREAM_UNAVAILABLE,
                        name + " is overloaded (it answered 429)" + detail,
                        Map.of("Retry-After", "1"));
            case 503 ->
                new UpstreamStatusException(
                        status, ErrorCode.UPSTREAM_UNAVAILABLE, name + " is unavailable (it answered 503)" + detail);
            case 504 ->
                new UpstreamStatusException(status, ErrorCode.UPSTREAM_TIMEOUT, name + " timed out (it answered 504)");
            default ->
                new UpstreamStatusException(
                        status, ErrorCode.UPSTREAM_BAD_RESPONSE, name + " answered HTTP " + status + detail);
        };
    }

    private PalisadeException sentBadAnswer(String what) {
        return new PalisadeException(
                ErrorCode.UPSTREAM_BAD_RESPONSE, "backend '" + backend.name() + "' sent a bad answer: " + what);
    }

    /** The backend's own error message, shortened: useful to the caller, not a dump. */
    private String upstreamMessage(String body) {
        try {
            JsonNode node = json.readTree(body);
            JsonNode error = node.path("error");
            String message =
                    error.isTextual() ? error.asText() : error.path("message").asText("");
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
            return new String(body.readNBytes(ERROR_BODY_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String describe(IOException e) {
        String simple = e.getClass().getSimpleName();
        return simple.isEmpty()
                ? "I/O error"
                : simple.replaceAll("Exception$", "")
                        .replaceAll("([a-z])([A-Z])", "$1 $2")
                        .toLowerCase(Locale.ROOT);
    }
}
