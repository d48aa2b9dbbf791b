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
        put(line, "request_id", record.requestId());
        put(line, "client_request_id", record.clientRequestId());
        put(line, "user", record.caller() == null ? null : record.caller().user().email());
        put(line, "key_id", record.caller() == null ? null : record.caller().key().id());
        put(line, "route", record.route());
        put(line, "model", record.requestedModel());
        put(line, "backend", record.backend());
        put(line, "status", status);
        put(line, "decision", decision);
        put(line, "latency_ms", Math.round(latencyMillis * 100) / 100.0);
        put(line, "prompt_tokens", usage.promptTokens() >= 0 ? usage.promptTokens() : null);
        put(line, "completion_tokens", usage.completionTokens() >= 0 ? usage.completionTokens() : null);
        line.log("{} {} {} {}", record.method(), record.route(), status, decision);
    }

    /** Absent values are left out rather than logged as "null". */
    private static void put(LoggingEventBuilder line, String key, Object value) {
        if (value != null) {
            line.addKeyValue(key, value);
        }
    }
}
