package io.palisade.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import io.palisade.auth.Caller;
import io.palisade.routing.AttemptRecord;
import io.palisade.tracing.TraceContext;
import io.palisade.usage.TokenUsage;
import java.io.IOException;
import java.time.Instant;

/**
 * What the audit learns about one request as it travels the path: identity, model, backend,
 * outcome. Confined to the request's thread; {@link AuditTrail} turns it into chain rows.
 */
public final class RequestRecord {
    private final String requestId;
    private final Instant receivedAt;
    private final long startNanos;
    private final String clientAddress;
    private final String method;
    private final String route;

    private Caller caller;
    private String presentedFingerprint;
    private String requestedModel;
    private String backend;
    private String upstreamModel;
    private boolean stream;
    private long firstByteNanos = -1;
    private TokenUsage usage = TokenUsage.UNKNOWN;
    private String upstreamError;
    private String prompt;
    private String response;
    private boolean auditStarted;
    private long streamedEvents;
    private long upstreamNanos = -1;
    private long upstreamStartNanos = -1;
    private TraceContext trace = TraceContext.from(null);
    private String upstreamErrorKind;
    private String failureReason;
    private String deployment;
    private String servedModel;
    private java.util.List<AttemptRecord> attempts = java.util.List.of();
    private Runnable beforeAnswerEnds;
    private String clientRequestId;
    private long estimatedPromptTokens;
    private String reservationId;
    private String reservedModel;
    private long reservedPrompt;
    private long reservedCompletion;
    private long reservedCostMicros;

    public RequestRecord(
            String requestId, Instant receivedAt, long startNanos, String clientAddress, String method, String route) {
        this.requestId = requestId;
        this.receivedAt = receivedAt;
        this.startNanos = startNanos;
        this.clientAddress = clientAddress;
        this.method = method;
        this.route = route;
    }

    public String requestId() {
        return requestId;
    }

    /** The caller's own request id (sane, see RequestIds), null when none: recorded and searchable, never an identity. */
    public void clientRequestId(String id) {
        this.clientRequestId = id;
    }

    public String clientRequestId() {
        return clientRequestId;
    }

    public Caller caller() {
        return caller;
    }

    public void identify(Caller identified, String fingerprint) {
        this.caller = identified;
        this.presentedFingerprint = fingerprint;
    }

    public void requestedModel(String model) {
        this.requestedModel = model;
    }

    public String requestedModel() {
        return requestedModel;
    }

    /** The deployment that answered (or was tried last), the public model it served, and every attempt made. */
    public void answeredBy(
            String deploymentId,
            String publicModel,
            String backendName,
            String upstreamModelName,
            java.util.List<AttemptRecord> allAttempts) {
        this.deployment = deploymentId;
        this.servedModel = publicModel;
        this.backend = backendName;
        this.upstreamModel = upstreamModelName;
        this.attempts = java.util.List.copyOf(allAttempts);
    }

    public java.util.List<AttemptRecord> attempts() {
        return attempts;
    }

    public void stream(boolean streaming) {
        this.stream = streaming;
    }

    public String route() {
        return route;
    }

    public String method() {
        return method;
    }

    public String backend() {
        return backend;
    }

    public long startNanos() {
        return startNanos;
    }

    /** Time first byte went out, -1 if none. */
    public long firstByteNanos() {
        return firstByteNanos;
    }

    /** Adds time spent waiting on a backend that was called at {@code startedNanos}. */
    public void upstreamTime(long startedNanos, long nanos) {
        if (upstreamStartNanos < 0) {
            upstreamStartNanos = startedNanos;
        }
        upstreamNanos = Math.max(0, upstreamNanos) + nanos;
    }

    /** When the first backend call started (System.nanoTime), -1 if none. */
    public long upstreamStartNanos() {
        return upstreamStartNanos;
    }

    public TraceContext trace() {
        return trace;
    }

    public void trace(TraceContext context) {
        this.trace = context;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    public long upstreamNanos() {
        return upstreamNanos;
    }

    public void upstreamErrorKind(String kind) {
        this.upstreamErrorKind = kind;
    }

    public String upstreamErrorKind() {
        return upstreamErrorKind;
    }

    /** Counts an answer event relayed to the caller (the output measure of a stream cut short). */
    public void streamedEvent() {
        streamedEvents++;
    }

    public long streamedEvents() {
        return streamedEvents;
    }

    /** Marks the moment the first byte of the answer went to the client (once). */
    public void firstByte(long nanos) {
        if (firstByteNanos < 0) {
            firstByteNanos = nanos;
        }
    }

    /** Admission's estimate of the prompt's tokens (0: none made), recorded when the backend reports none. */
    public void estimatedPromptTokens(long tokens) {
        this.estimatedPromptTokens = tokens;
    }

    public void usage(TokenUsage tokenUsage) {
        this.usage = tokenUsage;
    }

    public TokenUsage usage() {
        return usage;
    }

    public void upstreamError(String error) {
        this.upstreamError = error;
    }

    public void content(String promptText, String responseText) {
        this.prompt = promptText;
        this.response = responseText;
    }

    /**
     * What admission reserved for this request (its worst case), written into the "started" row:
     * what the request is charged if its process dies before it ends.
     */
    public void reserved(String reservation, String model, long promptTokens, long completionTokens, long costMicros) {
        this.reservationId = reservation;
        this.reservedModel = model;
        this.reservedPrompt = promptTokens;
        this.reservedCompletion = completionTokens;
        this.reservedCostMicros = costMicros;
    }

    /** True once the "started" row is committed: the outcome is then a completion, not a denial. */
    public boolean auditStarted() {
        return auditStarted;
    }

    void markAuditStarted() {
        auditStarted = true;
    }

    /**
     * Work to run once, just before the last bytes of the answer go out (see {@link #answerEnding}).
     * The exchange releases the request's admission there: a caller that sends its next request
     * as soon as it has this answer, on another connection, must not find this one still holding
     * its concurrency slot or its token reservation.
     */
    public void beforeAnswerEnds(Runnable work) {
        this.beforeAnswerEnds = work;
    }

    /** Called by whatever writes an answer's last bytes, before it writes them; runs the work registered, once. */
    public void answerEnding() {
        Runnable work = beforeAnswerEnds;
        beforeAnswerEnds = null;
        if (work != null) {
            work.run();
        }
    }

    /** True once bytes of the answer went out: the HTTP status can no longer change. */
    public boolean responseStarted() {
        return firstByteNanos >= 0;
    }

    /** Why an answer that began successfully did not end well (stream cut), else null. */
    public void failureReason(String reason) {
        this.failureReason = reason;
    }

    public String failureReason() {
        return failureReason;
    }

    String userId() {
        return caller == null ? null : caller.user().id();
    }

    /**
     * The part known before the backend is called: fields of the row's body object, and the
     * personal ones (the caller's address and email) of its personal object, which erasure may blank.
     */
    void writeStarted(JsonGenerator body, JsonGenerator personal, String decision) throws IOException {
        body.writeStringField("received_at", receivedAt.toString());
        if (clientRequestId != null) {
            body.writeStringField("client_request_id", clientRequestId);
        }
        personal.writeStringField("client", clientAddress);
        body.writeStringField("method", method);
        body.writeStringField("route", route);
        if (caller != null) {
            body.writeStringField("user_id", caller.user().id());
            personal.writeStringField("user", caller.user().email());
            body.writeStringField("team", caller.teamName());
            body.writeStringField("key_id", caller.key().id());
            body.writeStringField("key_label", caller.key().label());
        } else {
            body.writeStringField("caller", "unidentified");
            body.writeStringField("presented_key_fingerprint", presentedFingerprint);
        }
        body.writeStringField("model", requestedModel);
        body.writeBooleanField("stream", stream);
        body.writeStringField("decision", decision);
    }

    /**
     * The backend's token counts; for a stream it did not report them for (the caller left, or the
     * backend broke off, before the final usage), what was relayed instead: the events sent (about
     * one token each) and admission's estimate of the prompt, marked {@code usage_source: relayed}.
     */
    private void writeTokens(JsonGenerator body) throws IOException {
        boolean relayed = stream && firstByteNanos >= 0 && usage.completionTokens() < 0;
        if (usage.promptTokens() >= 0) {
            body.writeNumberField("prompt_tokens", usage.promptTokens());
        } else if (relayed && estimatedPromptTokens > 0) {
            body.writeNumberField("prompt_tokens", estimatedPromptTokens);
        }
        if (usage.completionTokens() >= 0) {
            body.writeNumberField("completion_tokens", usage.completionTokens());
        } else if (relayed) {
            body.writeNumberField("completion_tokens", streamedEvents);
            body.writeStringField("usage_source", "relayed");
        }
    }

    /** The reservation's fields of the "started" row's body, if admission reserved anything. */
    void writeReservation(JsonGenerator body) throws IOException {
        if (reservationId == null) {
            return;
        }
        body.writeStringField("reservation_id", reservationId);
        body.writeStringField("reserved_model", reservedModel);
        body.writeNumberField("reserved_prompt_tokens", reservedPrompt);
        body.writeNumberField("reserved_completion_tokens", reservedCompletion);
        body.writeNumberField("reserved_cost_micros", reservedCostMicros);
    }

    /**
     * The part known when the answer has ended (or failed): fields of the row's body object, and
     * the captured prompt and answer, if any, of its personal object.
     */
    void writeCompleted(JsonGenerator body, JsonGenerator personal, int status, String reason, long endNanos)
            throws IOException {
        body.writeNumberField("status", status);
        if (reason != null) {
            body.writeStringField("reason", reason);
        }
        body.writeNumberField("latency_ms", (endNanos - startNanos) / 1_000_000.0);
        if (deployment != null) {
            body.writeStringField("backend", backend);
            body.writeStringField("upstream_model", upstreamModel);
            body.writeStringField("deployment", deployment);
            if (!servedModel.equals(requestedModel)) {
                body.writeStringField("served_model", servedModel);
            }
        }
        if (!attempts.isEmpty()) {
            body.writeArrayFieldStart("attempts");
            for (AttemptRecord attempt : attempts) {
                body.writeStartObject();
                body.writeStringField("model", attempt.model());
                body.writeStringField("deployment", attempt.deployment());
                body.writeStringField("backend", attempt.backend());
                body.writeStringField("outcome", attempt.outcome());
                body.writeNumberField("ms", attempt.millis());
                body.writeEndObject();
            }
            body.writeEndArray();
        }
        if (firstByteNanos >= 0) {
            body.writeNumberField("ttft_ms", (firstByteNanos - startNanos) / 1_000_000.0);
        }
        writeTokens(body);
        if (upstreamError != null) {
            body.writeStringField("upstream_error", upstreamError);
        }
        if (prompt != null) {
            personal.writeStringField("prompt", prompt);
        }
        if (response != null) {
            personal.writeStringField("response", response);
        }
    }
}
