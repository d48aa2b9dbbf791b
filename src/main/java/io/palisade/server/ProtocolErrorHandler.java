package io.palisade.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.api.openai.OpenAiErrors;
import io.palisade.audit.AuditTrail;
import io.palisade.audit.RequestRecord;
import io.palisade.error.PalisadeException;
import io.palisade.metrics.GatewayMetrics;
import io.palisade.metrics.RequestOutcome;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's own refusals, of requests that never reach a route: a request line or headers it cannot
 * parse, a URI too long (414) or headers too large (431), a malformed URI, a body whose chunked
 * framing is broken. Each is answered in the API's JSON error shape (never Jetty's HTML page) and
 * audited as a denial of an unidentified caller: no key is read from a request Jetty refused; it
 * also gets its request-log line and counts in {@code palisade_requests_total}. The
 * record holds the client's socket address (forwarded headers of a refused request are not
 * trusted) and the method and path where Jetty parsed them. Runs on Jetty's threads, outside
 * Javalin's request context. Thread-safe.
 */
final class ProtocolErrorHandler extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolErrorHandler.class);

    private final AuditTrail audit;
    private final RequestLog requestLog;
    private final GatewayMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock;

    ProtocolErrorHandler(
            AuditTrail audit, RequestLog requestLog, GatewayMetrics metrics, ObjectMapper json, Clock clock) {
        this.audit = audit;
        this.requestLog = requestLog;
        this.metrics = metrics;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true; // every method gets its JSON answer, not only GET/POST/HEAD
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int status, String message, Throwable cause, Callback callback) {
        long start = System.nanoTime();
        metrics.requestStarted();
        PalisadeException error = ProtocolErrors.of(status);
        String requestId = RequestIds.fresh();
        HttpURI uri = request.getHttpURI();
        String path = uri == null || uri.getPath() == null ? "" : uri.getPath();
        RequestRecord record = new RequestRecord(
                requestId,
                clock.instant(),
                start,
                Request.getRemoteAddr(request),
                request.getMethod() == null ? "" : request.getMethod(),
                path);
        LOG.debug("request {} refused by the HTTP parser: {} {}", requestId, status, message, cause);
        PalisadeException rendered = error;
        try {
            audit.denied(record, error);
        } catch (PalisadeException auditFailure) {
            rendered = auditFailure;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        requestLog.log(record, rendered.code().status(), rendered.code().code(), seconds * 1000);
        // Counted like any refused request, under the route label of requests that matched none.
        metrics.requestFinished(new RequestOutcome(
                "unmatched",
                "-",
                "-",
                rendered.code().status(),
                rendered.code().code(),
                false,
                false,
                seconds,
                -1,
                -1,
                0,
                0,
                0,
                "-",
                null,
                null));
        response.setStatus(rendered.code().status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("X-Request-Id", requestId);
        rendered.headers().forEach(response.getHeaders()::put);
        response.write(true, ByteBuffer.wrap(body(rendered)), callback);
    }

    private byte[] body(PalisadeException error) {
        try {
            return json.writeValueAsBytes(OpenAiErrors.body(error));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body of strings cannot fail to encode", e);
        }
    }
}
