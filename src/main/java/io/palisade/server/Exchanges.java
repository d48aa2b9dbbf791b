package io.palisade.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.palisade.admission.AdmissionControl;
import io.palisade.admission.AdmittedRequest;
import io.palisade.admission.PolicyDecisionPoint;
import io.palisade.admission.Ticket;
import io.palisade.api.openai.OpenAiErrors;
import io.palisade.audit.AuditTrail;
import io.palisade.audit.RequestRecord;
import io.palisade.auth.Authentication;
import io.palisade.auth.Caller;
import io.palisade.auth.KeyRegistry;
import io.palisade.config.ServerConfig;
import io.palisade.config.TlsConfig;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.http.JsonAnswer;
import io.palisade.metrics.GatewayMetrics;
import io.palisade.metrics.UpstreamErrorKind;
import io.palisade.tracing.SpanExporter;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps every route so that none can skip the policy decision point or the audit. Each wrapper:
 * opens a {@link RequestRecord}, authenticates, asks {@link PolicyDecisionPoint}, commits the
 * audit row the rules require, runs the handler with the resulting {@link AdmittedRequest}, and
 * on any refusal or failure writes exactly one audit outcome and renders the error once.
 * Handlers cannot be registered any other way (see {@link GatewayServer}).
 * Thread-safe.
 */
public final class Exchanges {
    private static final Logger LOG = LoggerFactory.getLogger(Exchanges.class);
    static final String REQUEST_ID = "palisade.request-id";
    static final String CLIENT_REQUEST_ID = "palisade.client-request-id";
    static final String START_NANOS = "palisade.start-nanos";
    static final String HANDLED = "palisade.handled";
    /** The longest model name a refused caller's record takes from its body. */
    private static final int MAX_RECORDED_MODEL = 256;
    /** How much of a refused caller's body is read to find the model it asked for. */
    static final int MODEL_PEEK_BYTES = 16 * 1024;
    /** The Servlet specification's request attribute for the TLS client's certificate chain. */
    private static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private final KeyRegistry registry;
    private final PolicyDecisionPoint policy;
    private final AdmissionControl admission;
    private final AuditTrail audit;
    private final JsonBodyReader bodies;
    private final ObjectMapper json;
    private final ServerConfig server;
    private final Clock clock;
    private final GatewayMetrics metrics;
    private final RequestObserver observer;
    private final RequestLog requestLog;
    private final SpanExporter spans;

    public Exchanges(
            KeyRegistry registry,
            PolicyDecisionPoint policy,
            AdmissionControl admission,
            AuditTrail audit,
            JsonBodyReader bodies,
            ObjectMapper json,
            ServerConfig server,
            Clock clock,
            GatewayMetrics metrics,
            RequestLog requestLog,
            SpanExporter spans) {
        this.metrics = metrics;
        this.observer = new RequestObserver(metrics, requestLog, spans);
        this.requestLog = requestLog;
        this.spans = spans;
        this.registry = registry;
        this.policy = policy;
        this.admission = admission;
        this.audit = audit;
        this.bodies = bodies;
        this.json = json;
        this.server = server;
        this.clock = clock;
    }

    /** A route whose JSON body names a model. The handler answers the caller; it may throw. */
    public interface ModelHandler {
        void handle(Context ctx, RequestRecord record, ObjectNode body, AdmittedRequest admitted) throws Exception;
    }

    /** A route that names no model (e.g. listing models). */
    public interface ListingHandler {
        void handle(Context ctx, RequestRecord record, AdmittedRequest admitted) throws Exception;
    }

    /** An administrative route; the action name given at registration goes to the audit. */
    public interface AdminHandler {
        void handle(Context ctx, AdmittedRequest admitted) throws Exception;
    }

    /** {@code generates}: the operation produces output tokens (false for embeddings). */
    public Handler model(Consumer<ObjectNode> validate, boolean generates, ModelHandler handler) {
        return ctx -> run(ctx, (record, exchange) -> {
            Caller caller = authenticate(ctx, record, true);
            ObjectNode body = bodies.read(ctx);
            JsonNode model = body.get("model");
            if (model == null || !model.isTextual() || model.asText().isBlank()) {
                throw new PalisadeException(
                        ErrorCode.INVALID_REQUEST, "the field 'model' is required and must be a string", "model");
            }
            // No model has a longer name; a longer one would go into the audit row and its indexes
            // (PostgreSQL refuses index entries over ~2.7 kB, which would fail the whole group commit).
            if (model.asText().length() > MAX_RECORDED_MODEL) {
                throw new PalisadeException(
                        ErrorCode.INVALID_REQUEST,
                        "the field 'model' must be at most " + MAX_RECORDED_MODEL + " characters",
                        "model");
            }
            record.requestedModel(model.asText());
            record.stream(body.path("stream").asBoolean(false));
            validate.accept(body);
            Integer bodyBytes = ctx.attribute(JsonBodyReader.BODY_BYTES);
            AdmittedRequest admitted = policy.admitModel(
                    caller, model.asText(), body, bodyBytes == null ? 0 : bodyBytes, record.requestId(), generates);
            exchange.admitted = admitted;
            Ticket ticket = admitted.ticket();
            if (ticket.reservationId() != null && ticket.model() != null) {
                record.reserved(
                        ticket.reservationId(),
                        ticket.model(),
                        ticket.reservedPrompt(),
                        ticket.reservedOutput(),
                        ticket.reservedCostMicros());
            }
            audit.started(record);
            handler.handle(ctx, record, body, admitted);
        });
    }

    public Handler listing(ListingHandler handler) {
        return ctx -> run(ctx, (record, exchange) -> {
            AdmittedRequest admitted = policy.admitListing(authenticate(ctx, record), record.requestId());
            exchange.admitted = admitted;
            audit.started(record);
            handler.handle(ctx, record, admitted);
        });
    }

    /** Any path under the API that has no route: still authenticated and audited. */
    public Handler unknown(String message) {
        return ctx -> run(ctx, (record, exchange) -> {
            authenticate(ctx, record);
            throw new PalisadeException(ErrorCode.NOT_FOUND, message);
        });
    }

    /**
     * A context attribute an admin handler may set to an {@code ObjectNode}: its fields are added to
     * the details of the action's audit record (e.g. the id of an erased user, which the request's
     * path and query do not carry).
     */
    public static final String AUDIT_DETAILS = "palisade.audit_details";

    public Handler admin(String action, AdminHandler handler) {
        return ctx -> run(ctx, (record, exchange) -> {
            // Before the key is looked at: without a certificate, a caller learns nothing about its key.
            X509Certificate certificate = clientCertificate(ctx);
            if (certificate == null && server.tls().adminClientAuth() == TlsConfig.AdminClientAuth.REQUIRED) {
                throw new PalisadeException(
                        ErrorCode.CLIENT_CERTIFICATE_REQUIRED,
                        "the admin API requires a client certificate issued by the configured client CA");
            }
            AdmittedRequest admitted = policy.admitAdmin(authenticate(ctx, record));
            handler.handle(ctx, admitted);
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            if (certificate != null) {
                // Who held the certificate, for the audit; the key still decides who the caller is.
                details.put(
                        "client_certificate",
                        certificate.getSubjectX500Principal().getName());
            }
            ctx.pathParamMap().forEach(details::put);
            ctx.queryParamMap().forEach((name, values) -> details.put(name, String.join(",", values)));
            ObjectNode more = ctx.attribute(AUDIT_DETAILS);
            if (more != null) {
                details.setAll(more);
            }
            audit.admin(record, admitted.caller(), action, ctx.path(), details, ctx.statusCode());
        });
    }

    /** Answers and audits the requests Jetty refuses before any route runs (see {@link ProtocolErrorHandler}). */
    ProtocolErrorHandler protocolErrors() {
        return new ProtocolErrorHandler(audit, requestLog, metrics, json, clock);
    }

    private interface Body {
        void run(RequestRecord record, Exchange exchange) throws Exception;
    }

    /** What a route learned that the wrapper must finish: the admission to settle, the refusal to count. */
    private static final class Exchange {
        AdmittedRequest admitted;
        PalisadeException failure;
        boolean settled;
        long costMicros;
    }

    private void run(Context ctx, Body body) {
        ctx.attribute(HANDLED, true);
        String requestId = ctx.attribute(REQUEST_ID);
        Long start = ctx.attribute(START_NANOS);
        RequestRecord record = new RequestRecord(
                requestId,
                clock.instant(),
                start == null ? System.nanoTime() : start,
                clientAddress(ctx),
                ctx.method().name(),
                ctx.path());
        record.trace(spans.begin(ctx.header("traceparent")));
        record.clientRequestId(ctx.attribute(CLIENT_REQUEST_ID));
        Exchange exchange = new Exchange();
        record.beforeAnswerEnds(() -> settle(exchange, record));
        metrics.requestStarted();
        try {
            body.run(record, exchange);
            if (record.auditStarted()) {
                // The answer never waits for the audit commit; the writer reports its own failures.
                var unused = audit.completed(record, ctx.statusCode(), record.failureReason());
            }
        } catch (PalisadeException e) {
            exchange.failure = fail(ctx, record, e);
        } catch (Exception | Error e) {
            // Errors too (OutOfMemoryError, StackOverflowError): the request still gets its one audit
            // record, a JSON answer and a request-log line that agree; the thread's stack is gone by now.
            LOG.error("request {} failed unexpectedly", requestId, e);
            exchange.failure = fail(
                    ctx,
                    record,
                    new PalisadeException(ErrorCode.INTERNAL, "internal error; the request id is " + requestId));
        } finally {
            observer.finished(ctx, record, exchange.failure, settle(exchange, record));
        }
    }

    /**
     * Settles the admission once: before the answer's last bytes where the answer is written here
     * ({@link RequestRecord#answerEnding}), else when the handler returns (answers Javalin writes
     * after that). Returns the request's cost in micro-dollars.
     */
    private long settle(Exchange exchange, RequestRecord record) {
        if (exchange.admitted != null && !exchange.settled) {
            exchange.settled = true;
            try {
                exchange.costMicros = admission.settle(
                        exchange.admitted.ticket(), record.usage(), record.streamedEvents(), record.responseStarted());
            } catch (RuntimeException e) {
                // The answer is the caller's either way; a settle that fails must not cost it.
                LOG.error("request {}: settling its admission failed", record.requestId(), e);
            }
        }
        return exchange.costMicros;
    }

    /**
     * Records and answers {@code error}; returns what the caller was answered (the audit's own
     * failure when the record could not be written), so the request log and metrics say the same.
     */
    private PalisadeException fail(Context ctx, RequestRecord record, PalisadeException error) {
        PalisadeException rendered = error;
        try {
            if (record.auditStarted()) {
                if (error.code().type() == ErrorCode.Type.UPSTREAM) {
                    record.upstreamError(error.getMessage());
                }
                if (record.upstreamErrorKind() == null) {
                    record.upstreamErrorKind(UpstreamErrorKind.of(error));
                }
                var unused = audit.completed(
                        record, error.code().status(), error.code().code());
            } else {
                audit.denied(record, error);
                admission.refused(
                        record.caller(),
                        record.requestedModel(),
                        record.requestId(),
                        error.code().code());
            }
        } catch (PalisadeException auditFailure) {
            rendered = auditFailure;
        }
        if (record.responseStarted()) {
            return rendered;
        }
        rendered.headers().forEach(ctx::header);
        // Straight to the socket like every JSON answer: refusals (429s under overload) are a hot path too.
        // The answer is complete at its last byte, so a result a handler set before failing is not sent.
        JsonAnswer.send(ctx, record, rendered.code().status(), errorBody(rendered));
        return rendered;
    }

    private byte[] errorBody(PalisadeException error) {
        try {
            return json.writeValueAsBytes(OpenAiErrors.body(error));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body of strings cannot fail to encode", e);
        }
    }

    private Caller authenticate(Context ctx, RequestRecord record) {
        return authenticate(ctx, record, false);
    }

    /**
     * {@code bodyNamesModel}: when the caller is refused, its body is still read (bounded by
     * {@code server.max_body_bytes}, like any body) so that the refusal's record names the model
     * asked for; the refusal and its status stay the authentication's whatever the body holds.
     */
    private Caller authenticate(Context ctx, RequestRecord record, boolean bodyNamesModel) {
        Authentication authentication = registry.authenticate(ctx.header("Authorization"));
        record.identify(authentication.caller(), authentication.fingerprint());
        try {
            return policy.authenticated(authentication);
        } catch (PalisadeException refusal) {
            if (bodyNamesModel) {
                recordRequestedModel(ctx, record);
            }
            throw refusal;
        }
    }

    /** Notes the body's model in the record if the body can be read and names one of sane length; else leaves it unknown. */
    private void recordRequestedModel(Context ctx, RequestRecord record) {
        // Only the body's first bytes, never a whole body nor a tree of it: a caller without a key
        // must not get to make the gateway hold or parse up to max_body_bytes per connection.
        String model = bodies.peekModel(ctx, MODEL_PEEK_BYTES);
        // Longer is no model name; an unauthenticated caller must not get to write large text into the audit.
        if (model != null && !model.isBlank() && model.length() <= MAX_RECORDED_MODEL) {
            record.requestedModel(model);
        }
    }

    /**
     * The client certificate of the request's TLS connection, verified against {@code server.tls.client_ca}
     * during the handshake (one that does not verify fails the handshake); null without one.
     */
    private static X509Certificate clientCertificate(Context ctx) {
        return ctx.req().getAttribute(CLIENT_CERTIFICATES) instanceof X509Certificate[] chain && chain.length > 0
                ? chain[0]
                : null;
    }

    /** The socket peer, or, behind {@code server.trusted_proxies}, the client they forwarded for. */
    private String clientAddress(Context ctx) {
        return server.trustedProxies()
                .clientAddress(
                        ctx.req().getRemoteAddr(),
                        java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
    }
}
