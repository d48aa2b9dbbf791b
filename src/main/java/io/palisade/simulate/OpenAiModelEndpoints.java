package io.palisade.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * OpenAI-compatible listing and health: {@code GET /v1/models}, {@code GET /v1/models/{model}} and
 * llama.cpp's {@code GET /health}. Thread-safe.
 */
final class OpenAiModelEndpoints {
    /** A fixed creation time (2025-01-01) keeps listings identical from run to run. */
    private static final long CREATED = 1_735_689_600L;

    private final JsonReplies replies;
    private final ResponseGate gate;
    private final ModelCatalog catalog;

    OpenAiModelEndpoints(JsonReplies replies, ResponseGate gate, ModelCatalog catalog) {
        this.replies = replies;
        this.gate = gate;
        this.catalog = catalog;
    }

    void register(RoutesConfig routes) {
        routes.get("/v1/models", replies.guard(Dialect.OPENAI, this::list));
        routes.get("/v1/models/{model}", replies.guard(Dialect.OPENAI, this::single));
        routes.get("/health", replies.guard(Dialect.OPENAI, this::health));
    }

    private void list(Context ctx) {
        if (gate.admitOther(ctx, Dialect.OPENAI) != ResponseGate.Admission.PROCEED) {
            return;
        }
        ObjectNode body = replies.object().put("object", "list");
        var data = body.putArray("data");
        catalog.all().forEach(model -> data.add(entry(model)));
        replies.json(ctx, body);
    }

    private void single(Context ctx) {
        String requested = ctx.pathParam("model");
        ModelDescriptor model = catalog.find(requested).orElseThrow(() -> Dialect.OPENAI.modelNotFound(requested));
        if (gate.admitOther(ctx, Dialect.OPENAI) == ResponseGate.Admission.PROCEED) {
            replies.json(ctx, entry(model));
        }
    }

    private void health(Context ctx) {
        if (gate.admitOther(ctx, Dialect.OPENAI) == ResponseGate.Admission.PROCEED) {
            replies.json(ctx, replies.object().put("status", "ok"));
        }
    }

    private ObjectNode entry(ModelDescriptor model) {
        return replies.object()
                .put("id", model.name())
                .put("object", "model")
                .put("created", CREATED)
                .put("owned_by", "simulate");
    }
}
