package io.palisade.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.server.Exchanges;
import io.palisade.server.JsonBodyReader;

/**
 * {@code POST /admin/erasures} with {@code {"user": ID_OR_EMAIL, "force": false}}: erases a user
 * ({@link UserErasure}). The user is named in the body, not the path, so the action's own audit
 * record (path and query) never holds their email; it gets their id and what was erased.
 */
public final class ErasureRoutes {
    private final Exchanges exchanges;
    private final UserErasure erasure;
    private final JsonBodyReader bodies;
    private final ObjectMapper json;

    public ErasureRoutes(Exchanges exchanges, UserErasure erasure, JsonBodyReader bodies, ObjectMapper json) {
        this.exchanges = exchanges;
        this.erasure = erasure;
        this.bodies = bodies;
        this.json = json;
    }

    public void register(RoutesConfig routes) {
        routes.post("/admin/erasures", exchanges.admin("users.erase", (ctx, a) -> {
            ObjectNode request = bodies.read(ctx);
            JsonNode user = request.path("user");
            if (!user.isTextual() || user.asText().isBlank()) {
                throw new PalisadeException(
                        ErrorCode.INVALID_REQUEST, "'user' must be the id or email of the user to erase", "user");
            }
            JsonNode force = request.path("force");
            if (!force.isMissingNode() && !force.isBoolean()) {
                throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'force' must be true or false", "force");
            }
            UserErasure.Report report = erasure.erase(user.asText(), force.asBoolean(false));
            ObjectNode body = json.createObjectNode();
            body.put("object", "erasure");
            body.put("user_id", report.userId());
            body.put("audit_records_erased", report.audit().records());
            body.put("audit_records_kept", report.audit().legacyRecords());
            body.put("archive_segments_rewritten", report.audit().archiveSegments());
            body.put("store_scrubbed", report.scrubbed());
            body.put("forced", force.asBoolean(false));
            ctx.attribute(Exchanges.AUDIT_DETAILS, body.deepCopy().without("object"));
            ctx.contentType("application/json").result(body.toString());
        }));
    }
}
