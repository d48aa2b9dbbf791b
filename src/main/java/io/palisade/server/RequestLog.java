package io.palisade.server;

import io.palisade.audit.RequestRecord;
import io.palisade.upstream.TokenUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
        LOG.atInfo()
                .addKeyValue("request_id", record.requestId())
                .addKeyValue("user", record.caller() == null ? null : record.caller().user().email())
                .addKeyValue("key_id", record.caller() == null ? null : record.caller().key().id())
                .addKeyValue("route", record.route())
                .addKeyValue("model", record.requestedModel())
                .addKeyValue("backend", record.backend())
                .addKeyValue("status", status)
                .addKeyValue("decision", decision)
                .addKeyValue("latency_ms", Math.round(latencyMillis * 100) / 100.0)
                .addKeyValue("prompt_tokens", usage.promptTokens() >= 0 ? usage.promptTokens() : null)
                .addKeyValue("completion_tokens", usage.completionTokens() >= 0 ? usage.completionTokens() : null)
                .log("{} {} {} {}", record.method(), record.route(), status, decision);
    }
}
