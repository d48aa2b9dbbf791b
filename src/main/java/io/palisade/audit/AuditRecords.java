package io.palisade.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.store.AuditFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the chain as people want it: one record per request (its "started" and "completed" rows,
 * or its single "denied" row, merged) plus one per admin action. A request with a "started" row
 * but no "completed" row is returned with {@code complete: false}: it was in flight when the
 * process stopped. Rows are joined by Palisade's own request id only (see {@link AuditStore.Record});
 * a caller's {@code client_request_id} is a field like any other. The store filters and pages;
 * nothing here reads more than the records it returns. Thread-safe.
 */
public final class AuditRecords {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    private final AuditStore store;
    private final ObjectMapper json;

    public AuditRecords(AuditStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /**
     * A page: records in chain order (oldest first), the newest matching ones below the cursor.
     * {@code nextBeforeSeq} is the cursor for the next (older) page, null when there is none.
     */
    public record Page(List<ObjectNode> records, Long nextBeforeSeq) {}

    /**
     * The newest {@code limit} (1 to {@link #MAX_LIMIT}) records matching {@code filter} whose
     * sequence number is below {@code beforeSeq} (null: from the head of the chain).
     */
    public Page page(AuditFilter filter, Long beforeSeq, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
        List<AuditStore.Record> newestFirst =
                store.newestFirst(filter, beforeSeq == null ? Long.MAX_VALUE : beforeSeq, limit + 1);
        boolean more = newestFirst.size() > limit;
        List<AuditStore.Record> page = more ? newestFirst.subList(0, limit) : newestFirst;
        List<ObjectNode> records = new ArrayList<>(page.size());
        for (int i = page.size() - 1; i >= 0; i--) {
            records.add(record(page.get(i)));
        }
        return new Page(records, more ? page.getLast().head().seq() : null);
    }

    /**
     * Every record matching {@code filter}, in chain order, to {@code consumer}, read from the store
     * a chunk at a time. Records committed after the export began are left out; returns the chain's
     * head sequence number when it began: every row up to it that the filter selects was exported.
     */
    public long export(AuditFilter filter, Consumer<ObjectNode> consumer) {
        long upTo = store.headSeq();
        store.forEachRecord(filter, upTo, row -> consumer.accept(record(row)));
        return upTo;
    }

    /** {@link #export(AuditFilter, Consumer)} written to {@code out} in {@code format}; returns the same sequence number. */
    public long export(AuditFilter filter, AuditExportFormat format, Writer out) throws IOException {
        format.writeHeader(out);
        long upTo;
        try {
            upTo = export(filter, record -> {
                try {
                    format.writeRecord(record, out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        out.flush();
        return upTo;
    }

    private ObjectNode record(AuditStore.Record row) {
        AuditEvent head = row.head();
        ObjectNode record = json.createObjectNode();
        record.put("seq", head.seq());
        record.put("at", head.at());
        record.put("request_id", head.requestId());
        record.put("kind", AuditEvent.ADMIN.equals(head.kind()) ? "admin" : "request");
        record.setAll(parse(head.body()));
        addPersonal(record, head);
        record.put("complete", !AuditEvent.STARTED.equals(head.kind()));
        if (row.completion() != null) {
            record.setAll(parse(row.completion().body()));
            addPersonal(record, row.completion());
            record.put("complete", true);
        }
        return record;
    }

    /** A row's personal fields, or the mark that they were erased (docs/security.md, "Erasing a user"). */
    private void addPersonal(ObjectNode record, AuditEvent row) {
        PersonalData personal = row.personal();
        if (personal == null) {
            return;
        }
        if (personal.erased()) {
            record.put("personal_data_erased_at", personal.erasedAt());
        } else {
            record.setAll(parse(personal.fields()));
        }
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
}
