package io.palisade.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * Ollama's model management API: {@code GET /}, {@code /api/version}, {@code /api/tags},
 * {@code /api/ps} and {@code POST /api/show}. Thread-safe.
 */
final class OllamaModelEndpoints {
    /** The Ollama release whose API this simulator follows. */
    static final String OLLAMA_VERSION = "0.12.6";
    /** A fixed "pulled at" time keeps listings identical from run to run. */
    private static final Instant MODIFIED_AT = Instant.parse("2025-01-01T00:00:00Z");
    /** Ollama's default runtime context, which is what /api/ps reports rather than the model maximum. */
    private static final int RUNTIME_CONTEXT_LENGTH = 4096;

    private final ObjectMapper mapper;
    private final JsonReplies replies;
    private final ResponseGate gate;
    private final ModelCatalog catalog;
    private final LoadedModels loadedModels;

    OllamaModelEndpoints(
            ObjectMapper mapper,
            JsonReplies replies,
            ResponseGate gate,
            ModelCatalog catalog,
            LoadedModels loadedModels) {
        this.mapper = mapper;
        this.replies = replies;
        this.gate = gate;
        this.catalog = catalog;
        this.loadedModels = loadedModels;
    }

    void register(RoutesConfig routes) {
        routes.get("/", replies.guard(Dialect.OLLAMA, this::root));
        routes.head("/", ctx -> ctx.status(200));
        routes.get("/api/version", replies.guard(Dialect.OLLAMA, this::version));
        routes.get("/api/tags", replies.guard(Dialect.OLLAMA, this::tags));
        routes.get("/api/ps", replies.guard(Dialect.OLLAMA, this::processes));
        routes.post("/api/show", replies.guard(Dialect.OLLAMA, this::show));
    }

    private void root(Context ctx) {
        if (gate.admitOther(ctx, Dialect.OLLAMA) == ResponseGate.Admission.PROCEED) {
            ctx.status(200).contentType("text/plain; charset=utf-8").result("Ollama is running");
        }
    }

    private void version(Context ctx) {
        if (gate.admitOther(ctx, Dialect.OLLAMA) == ResponseGate.Admission.PROCEED) {
            replies.json(ctx, replies.object().put("version", OLLAMA_VERSION));
        }
    }

    private void tags(Context ctx) {
        if (gate.admitOther(ctx, Dialect.OLLAMA) != ResponseGate.Admission.PROCEED) {
            return;
        }
        ObjectNode body = replies.object();
        var models = body.putArray("models");
        for (ModelDescriptor model : catalog.all()) {
            ObjectNode entry = models.addObject()
                    .put("name", model.taggedName())
                    .put("model", model.taggedName())
                    .put("modified_at", MODIFIED_AT.toString())
                    .put("size", model.sizeBytes())
                    .put("digest", catalog.digest(model));
            entry.set("details", details(model));
        }
        replies.json(ctx, body);
    }

    private void processes(Context ctx) {
        if (gate.admitOther(ctx, Dialect.OLLAMA) != ResponseGate.Admission.PROCEED) {
            return;
        }
        ObjectNode body = replies.object();
        var models = body.putArray("models");
        for (LoadedModels.Loaded loaded : loadedModels.snapshot()) {
            ModelDescriptor model = loaded.model();
            ObjectNode entry = models.addObject()
                    .put("name", model.taggedName())
                    .put("model", model.taggedName())
                    .put("size", model.sizeBytes())
                    .put("digest", catalog.digest(model));
            entry.set("details", details(model));
            entry.put("expires_at", loaded.expiresAt().toString())
                    .put("size_vram", model.sizeBytes())
                    .put("context_length", RUNTIME_CONTEXT_LENGTH);
        }
        replies.json(ctx, body);
    }

    private void show(Context ctx) {
        RequestBody request = RequestBody.parse(ctx.body(), mapper, Dialect.OLLAMA);
        // "name" is the field's pre-0.5 spelling, still accepted by Ollama.
        String requested = request.text("model", request.text("name", ""));
        if (requested.isEmpty()) {
            throw ApiError.badRequest("model is required", "model");
        }
        ModelDescriptor model = catalog.find(requested)
                .orElseThrow(() -> new ApiError(
                        404,
                        "model '" + requested + "' not found",
                        "invalid_request_error",
                        "model",
                        "model_not_found"));
        if (gate.admitOther(ctx, Dialect.OLLAMA) != ResponseGate.Admission.PROCEED) {
            return;
        }
        ObjectNode body = replies.object()
                .put("license", "")
                .put("modelfile", "# Modelfile generated by \"ollama show\"\nFROM " + model.taggedName() + "\n")
                .put("parameters", model.embedding() ? "" : "temperature 0.8")
                .put("template", model.embedding() ? "" : "{{ .Prompt }}");
        body.set("details", details(model));
        ObjectNode info = body.putObject("model_info")
                .put("general.architecture", model.family())
                .put("general.parameter_count", model.parameterCount())
                .put("general.quantization_version", 2)
                .put(model.family() + ".context_length", model.contextLength())
                .put(model.family() + ".embedding_length", model.embeddingLength());
        info.put("general.basename", model.name());
        var capabilities = body.putArray("capabilities");
        model.capabilities().forEach(capabilities::add);
        body.put("modified_at", MODIFIED_AT.toString())
                // Not part of Ollama's answer: the simulator adds it so drift checks can read it here too.
                .put("digest", catalog.digest(model));
        replies.json(ctx, body);
    }

    private ObjectNode details(ModelDescriptor model) {
        ObjectNode details =
                replies.object().put("parent_model", "").put("format", "gguf").put("family", model.family());
        details.putArray("families").add(model.family());
        return details.put("parameter_size", model.parameterSize())
                .put("quantization_level", model.quantizationLevel());
    }
}
