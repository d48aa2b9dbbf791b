package io.palisade.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * OpenAI-compatible listing and health: {@code GET /v1/models}, {@code GET /v1/models/{model}} and
 * llama.cpp's {@code GET /health}; and how real servers say what they serve, for pinning: TGI's
 * {@code GET /info} ({@code model_id}, {@code model_sha}) and llama.cpp server's {@code GET /props}
 * ({@code model_path}). Those servers serve one model; these answers describe the first served model,
 * or the one named by {@code ?model=} (a simulator extension). Thread-safe.
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
        routes.get("/info", replies.guard(Dialect.OPENAI, this::info));
        routes.get("/props", replies.guard(Dialect.OPENAI, this::props));
    }

    /** TGI's /info; model_sha is the model's digest, so {@code Simulator#setModelDigest} is seen here too. */
    private void info(Context ctx) {
        ModelDescriptor model = described(ctx);
        if (gate.admitOther(ctx, Dialect.OPENAI) != ResponseGate.Admission.PROCEED) {
            return;
        }
        replies.json(
                ctx,
                replies.object()
                        .put("model_id", model.name())
                        .put("model_sha", catalog.digest(model))
                        .put("model_dtype", "torch.float16")
                        .put("model_device_type", "cpu")
                        .put("model_pipeline_tag", model.embedding() ? "feature-extraction" : "text-generation")
                        .put("max_concurrent_requests", 128)
                        .put("max_input_tokens", model.contextLength() - 1)
                        .put("max_total_tokens", model.contextLength())
                        .put("version", "simulate"));
    }

    /** llama.cpp server's /props, reduced to what identifies the model. */
    private void props(Context ctx) {
        ModelDescriptor model = described(ctx);
        if (gate.admitOther(ctx, Dialect.OPENAI) != ResponseGate.Admission.PROCEED) {
            return;
        }
        ObjectNode body = replies.object();
        body.putObject("default_generation_settings").put("n_ctx", model.contextLength());
        replies.json(
                ctx,
                body.put("total_slots", 1)
                        .put("model_path", catalog.file(model))
                        .put("build_info", "simulate"));
    }

    private ModelDescriptor described(Context ctx) {
        String requested = ctx.queryParam("model");
        if (requested == null || requested.isBlank()) {
            return catalog.all().get(0);
        }
        return catalog.find(requested).orElseThrow(() -> Dialect.OPENAI.modelNotFound(requested));
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
