package io.palisade.server;

import io.javalin.http.Context;
import io.palisade.audit.RequestRecord;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.metrics.GatewayMetrics;
import io.palisade.metrics.RequestOutcome;
import io.palisade.tracing.Span;
import io.palisade.tracing.SpanExporter;
import io.palisade.tracing.TraceContext;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What every finished request leaves besides its audit record: metric movements, one request-log
 * line and, with tracing on, its spans. Called once per request by {@link Exchanges}. Thread-safe.
 */
final class RequestObserver {
    private static final Set<ErrorCode> LIMIT_REFUSALS = EnumSet.of(
            ErrorCode.RATE_LIMITED,
            ErrorCode.TOKENS_RATE_LIMITED,
            ErrorCode.CONCURRENCY_LIMITED,
            ErrorCode.BUDGET_EXCEEDED,
            ErrorCode.PROMPT_TOO_LONG,
            ErrorCode.OUTPUT_CAP_EXCEEDED,
            ErrorCode.REQUEST_EXCEEDS_LIMIT,
            ErrorCode.LIMITS_UNAVAILABLE);

    private final GatewayMetrics metrics;
    private final RequestLog requestLog;
    private final SpanExporter spans;

    RequestObserver(GatewayMetrics metrics, RequestLog requestLog, SpanExporter spans) {
        this.metrics = metrics;
        this.requestLog = requestLog;
        this.spans = spans;
    }

    void finished(Context ctx, RequestRecord record, PalisadeException failure, long costMicros) {
        boolean admitted = record.auditStarted();
        String decision =
                admitted || failure == null ? "allowed" : failure.code().code();
        int status = record.responseStarted() || failure == null
                ? ctx.statusCode()
                : failure.code().status();
        long now = System.nanoTime();
        double totalSeconds = (now - record.startNanos()) / 1e9;
        String model = admitted && record.backend() != null ? record.requestedModel() : "-";
        String backend = record.backend() == null || !admitted ? "-" : record.backend();
        String team = record.caller() == null || record.caller().teamName() == null
                ? "-"
                : record.caller().teamName();
        boolean streamed = record.firstByteNanos() >= 0 && record.streamedEvents() > 0;
        metrics.requestFinished(new RequestOutcome(
                routeTemplate(ctx),
                model,
                backend,
                status,
                decision,
                admitted,
                !admitted && failure != null && LIMIT_REFUSALS.contains(failure.code()),
                totalSeconds,
                record.upstreamNanos() < 0 ? -1 : record.upstreamNanos() / 1e9,
                streamed ? (record.firstByteNanos() - record.startNanos()) / 1e9 : -1,
                Math.max(0, record.usage().promptTokens()),
                Math.max(0, record.usage().completionTokens()),
                costMicros / 1e6,
                team,
                record.upstreamErrorKind(),
                record.caller() == null ? null : record.caller().user().email()));
        requestLog.log(record, status, decision, totalSeconds * 1000);
        if (spans.enabled() && record.trace().sampled()) {
            exportSpans(ctx, record, status, decision, now);
        }
    }

    /** The gateway's server span and, when a backend was called, its client span. */
    private void exportSpans(Context ctx, RequestRecord record, int status, String decision, long endNanos) {
        TraceContext trace = record.trace();
        Instant received = record.receivedAt();
        long epochStart = received.getEpochSecond() * 1_000_000_000L + received.getNano();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("http.request.method", record.method());
        attributes.put("http.route", routeTemplate(ctx));
        attributes.put("http.response.status_code", status);
        attributes.put("palisade.request_id", record.requestId());
        attributes.put("palisade.decision", decision);
        attributes.put("palisade.model", record.requestedModel());
        attributes.put(
                "palisade.key_id",
                record.caller() == null ? null : record.caller().key().id());
        attributes.put(
                "gen_ai.usage.input_tokens",
                record.usage().promptTokens() >= 0 ? record.usage().promptTokens() : null);
        attributes.put(
                "gen_ai.usage.output_tokens",
                record.usage().completionTokens() >= 0 ? record.usage().completionTokens() : null);
        spans.export(new Span(
                trace.traceId(),
                trace.serverSpanId(),
                trace.parentSpanId(),
                record.method() + " " + routeTemplate(ctx),
                2,
                epochStart,
                epochStart + (endNanos - record.startNanos()),
                attributes,
                status >= 500));
        if (record.upstreamStartNanos() >= 0) {
            long clientStart = epochStart + (record.upstreamStartNanos() - record.startNanos());
            Map<String, Object> client = new LinkedHashMap<>();
            client.put("palisade.backend", record.backend());
            client.put("gen_ai.request.model", record.requestedModel());
            client.put("error.type", record.upstreamErrorKind());
            spans.export(new Span(
                    trace.traceId(),
                    trace.clientSpanId(),
                    trace.serverSpanId(),
                    "backend " + record.backend(),
                    3,
                    clientStart,
                    clientStart + record.upstreamNanos(),
                    client,
                    record.upstreamErrorKind() != null));
        }
    }

    /** The route as registered ("/admin/users/{user}"), so metric labels stay bounded. */
    private static String routeTemplate(Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }
}
