package io.palisade.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.store.AuditStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the chain as people want it: one record per request (its "started" and "completed" rows,
 * or its single "denied" row, merged) plus one per admin action. A request with a "started" row
 * but no "completed" row is returned with {@code complete: false}: it was in flight when the
 * process stopped. Thread-safe.
 */
public final class AuditRecords {
    private final AuditStore store;
    private final ObjectMapper json;

    public AuditRecords(AuditStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** Filters are optional (null); {@code since}/{@code until} are ISO-8601 instants. */
    public record Query(String userId, String since, String until, String decision, int limit) {}

    public record Result(List<ObjectNode> records, long lastSeq) {}

    public Result find(Query query) {
        Map<String, ObjectNode> byRequest = new LinkedHashMap<>();
        long[] lastSeq = {0};
        store.scan(query.userId(), query.since(), query.until(), event -> {
            lastSeq[0] = Math.max(lastSeq[0], event.seq());
            ObjectNode body = parse(event.body());
            if (AuditEvent.COMPLETED.equals(event.kind())) {
                ObjectNode record = byRequest.get(event.requestId());
                if (record != null) {
                    record.setAll(body);
                    record.put("complete", true);
                }
                return;
            }
            ObjectNode record = json.createObjectNode();
            record.put("seq", event.seq());
            record.put("at", event.at());
            record.put("request_id", event.requestId());
            record.put("kind", AuditEvent.ADMIN.equals(event.kind()) ? "admin" : "request");
            record.setAll(body);
            record.put("complete", !AuditEvent.STARTED.equals(event.kind()));
            byRequest.put(event.requestId() + "#" + event.kind(), record);
            if (AuditEvent.STARTED.equals(event.kind())) {
                byRequest.put(event.requestId(), record);
            }
        });
        List<ObjectNode> records = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> entry : byRequest.entrySet()) {
            if (!entry.getKey().contains("#")) {
                continue;
            }
            ObjectNode record = entry.getValue();
            if (query.decision() != null && !query.decision().equals(text(record, "decision"))) {
                continue;
            }
            records.add(record);
        }
        if (query.limit() > 0 && records.size() > query.limit()) {
            records = new ArrayList<>(records.subList(records.size() - query.limit(), records.size()));
        }
        return new Result(records, lastSeq[0]);
    }

    private ObjectNode parse(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node instanceof ObjectNode object ? object : json.createObjectNode();
        } catch (JsonProcessingException e) {
            ObjectNode broken = json.createObjectNode();
            broken.put("unreadable_body", true);
            return broken;
        }
    }

    private static String text(ObjectNode record, String field) {
        JsonNode value = record.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
