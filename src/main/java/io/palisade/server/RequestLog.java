package io.palisade.server;

import io.palisade.audit.RequestRecord;
import io.palisade.usage.TokenUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One structured line per request on the {@code palisade.request} logger: request id, user, key
 * id, model, backend, status, decision, latency and tokens as key-value pairs (JSON fields with
 * {@code logging.format: json}). Never prompt text. Thread-safe.
 */
public final class RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger("palisade.request");

    private final boolean enabled;

    public RequestLog(boolean enabled) {
        this.enabled = enabled;
    }

    public void log(RequestRecord record, int status, String decision, double latencyMillis) {
        if (!enabled || !LOG.isInfoEnabled()) {
            return;
        }
        TokenUsage usage = record.usage();
        LoggingEventBuilder line = LOG.atInfo();
        line = put(line, "request_id", record.requestId());
        line = put(line, "client_request_id", record.clientRequestId());
        line = put(
                line,
                "user",
                record.caller() == null ? null : record.caller().user().email());
        line = put(
                line,
                "key_id",
                record.caller() == null ? null : record.caller().key().id());
        line = put(line, "route", record.route());
        line = put(line, "model", record.requestedModel());
        line = put(line, "backend", record.backend());
        line = put(line, "status", status);
        line = put(line, "decision", decision);
        line = put(line, "latency_ms", Math.round(latencyMillis * 100) / 100.0);
        line = put(line, "prompt_tokens", usage.promptTokens() >= 0 ? usage.promptTokens() : null);
        line = put(line, "completion_tokens", usage.completionTokens() >= 0 ? usage.completionTokens() : null);
        line.log("{} {} {} {}", record.method(), record.route(), status, decision);
    }

    /**
     * Adds {@code key=value} unless the value is absent: absent values are left out rather than logged as
     * "null". Returns the builder to continue with, since the fluent API does not promise to return itself.
     */
    private static LoggingEventBuilder put(LoggingEventBuilder line, String key, Object value) {
        return value == null ? line : line.addKeyValue(key, value);
    }
}
