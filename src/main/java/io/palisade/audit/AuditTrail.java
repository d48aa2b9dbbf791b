package io.palisade.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.auth.Caller;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The request path's door to the audit chain. Durability rules, all enforced here:
 * an allowed request's "started" row is committed before the backend is called; a denial is
 * committed before the error is sent; an admin action is committed before it is answered.
 * "completed" rows are queued without waiting (the response has already gone), so a crash can
 * leave a request without its completion, which readers show as incomplete, never missing.
 * When the chain cannot be written, or not within {@link AuditWriter#MAX_WAIT}, the request fails
 * closed with 503 audit_unavailable.
 * Thread-safe.
 */
public final class AuditTrail {
    private final AuditWriter writer;
    private final Clock clock;
    private final ObjectMapper json;
    private final OpenRequests open;

    /** A trail whose process identity is not published anywhere (tests of the trail alone). */
    public AuditTrail(AuditWriter writer, Clock clock, ObjectMapper json) {
        this(writer, clock, json, new OpenRequests(java.util.UUID.randomUUID().toString(), 0));
    }

    /**
     * {@code json} renders the row bodies: the gateway's mapper, whose buffers are pooled
     * ({@code ObjectNode#toString} uses Jackson's internal mapper, which allocates fresh buffers
     * on every virtual thread).
     */
    public AuditTrail(AuditWriter writer, Clock clock, ObjectMapper json, OpenRequests open) {
        this.writer = writer;
        this.clock = clock;
        this.json = json;
        this.open = open;
    }

    /**
     * The "started" row names this process ({@link OpenRequests#instanceId}) and what admission
     * reserved, so that if the process dies before the completion, another charges the reservation.
     */
    public void started(RequestRecord record) {
        open.opening(record);
        try {
            AuditEvent committed = await(writer.submit(event(record, AuditEvent.STARTED, (fields, personal) -> {
                record.writeStarted(fields, personal, "allowed");
                fields.writeStringField("instance", open.instanceId());
                record.writeReservation(fields);
            })));
            open.committed(committed);
        } catch (RuntimeException e) {
            open.closed(record);
            throw e;
        }
        record.markAuditStarted();
    }

    public CompletableFuture<AuditEvent> completed(RequestRecord record, int status, String reason) {
        long endNanos = System.nanoTime();
        CompletableFuture<AuditEvent> committed = writer.submit(event(
                record,
                AuditEvent.COMPLETED,
                (fields, personal) -> record.writeCompleted(fields, personal, status, reason, endNanos)));
        // The caller gets the commit itself; this bookkeeping stage needs no waiter.
        var unused = committed.whenComplete((event, failure) -> {
            if (event != null) {
                open.committed(event);
            }
            open.closed(record);
        });
        return committed;
    }

    /**
     * Ends a request a dead process left in flight (its "started" row {@code requestId}, of
     * {@code userId}) with a completion saying what it was charged; waits for the commit.
     */
    public void abandoned(String requestId, String userId, ObjectNode body) {
        await(writer.submit(new AuditEvent(
                0, requestId, AuditEvent.COMPLETED, clock.instant().toString(), userId, text(body), "", "")));
    }

    public void denied(RequestRecord record, PalisadeException refusal) {
        long endNanos = System.nanoTime();
        await(writer.submit(event(record, AuditEvent.DENIED, (fields, personal) -> {
            record.writeStarted(fields, personal, "denied");
            record.writeCompleted(
                    fields, personal, refusal.code().status(), refusal.code().code(), endNanos);
            // The refusal's message may quote what was asked for (a user's email): personal data.
            personal.writeStringField("message", refusal.getMessage());
            if (refusal.limit() != null) {
                fields.writeStringField("limit", refusal.limit());
            }
        })));
    }

    /** Records an administrative action by {@code actor} on {@code target}, made by the request {@code record}. */
    public void admin(
            RequestRecord record, Caller actor, String action, String target, ObjectNode details, int status) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (record.clientRequestId() != null) {
            body.put("client_request_id", record.clientRequestId());
        }
        body.put("action", action);
        body.put("actor_user_id", actor.user().id());
        body.put("key_id", actor.key().id());
        body.put("status", status);
        // The target path and the details (path and query parameters) may name a person, e.g. by email:
        // personal data, which erasing either the actor or the person named removes (ChainMaintenance#eraseUser).
        ObjectNode personal = JsonNodeFactory.instance.objectNode();
        personal.put("actor", actor.user().email());
        personal.put("target", target);
        if (details != null) {
            personal.set("details", details);
        }
        await(writer.submit(new AuditEvent(
                0,
                record.requestId(),
                AuditEvent.ADMIN,
                clock.instant().toString(),
                actor.user().id(),
                text(body),
                "",
                "",
                PersonalData.of(text(personal)))));
    }

    /**
     * Records something Palisade did by itself or was told to do outside the admin API (automatic
     * rollback, drift, config reload by file or signal). Waits for the commit like every audit row.
     */
    public void system(String action, String target, ObjectNode details) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("action", action);
        body.put("target", target);
        body.put("actor", "palisade");
        body.put("status", 200);
        if (details != null) {
            body.set("details", details);
        }
        await(writer.submit(new AuditEvent(
                0,
                "sys_" + java.util.UUID.randomUUID(),
                AuditEvent.ADMIN,
                clock.instant().toString(),
                null,
                text(body),
                "",
                "")));
    }

    /**
     * A request row, its body and personal object written field by field: building a tree first
     * and then writing it cost about twice as much on every request (docs/performance.md). A row
     * with no personal field is of format 1 and costs no salt or digest.
     */
    private AuditEvent event(RequestRecord record, String kind, RowFields fields) {
        StringWriter body = new StringWriter(512);
        StringWriter personal = new StringWriter(64);
        try (JsonGenerator bodyFields = json.getFactory().createGenerator(body);
                JsonGenerator personalFields = json.getFactory().createGenerator(personal)) {
            bodyFields.writeStartObject();
            personalFields.writeStartObject();
            fields.write(bodyFields, personalFields);
            bodyFields.writeEndObject();
            personalFields.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("an audit body could not be written as text", e);
        }
        String personalText = personal.toString();
        return new AuditEvent(
                0,
                record.requestId(),
                kind,
                clock.instant().toString(),
                record.userId(),
                body.toString(),
                "",
                "",
                personalText.equals("{}") ? null : PersonalData.of(personalText));
    }

    @FunctionalInterface
    private interface RowFields {
        void write(JsonGenerator body, JsonGenerator personal) throws IOException;
    }

    private String text(ObjectNode body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written as text", e);
        }
    }

    private static AuditEvent await(CompletableFuture<AuditEvent> future) {
        try {
            // Untimed: the writer's watch fails the future after AuditWriter.MAX_WAIT.
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException e) {
            throw unavailable();
        }
    }

    private static PalisadeException unavailable() {
        return new PalisadeException(
                ErrorCode.AUDIT_UNAVAILABLE,
                "the audit trail cannot be written, so the request was not processed; try again shortly");
    }
}
