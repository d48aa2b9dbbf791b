package io.palisade.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama's generation API: {@code POST /api/chat} and {@code POST /api/generate}. Streams NDJSON by
 * default, as Ollama does; a request without messages (or prompt) only loads the model, or unloads
 * it when it carries {@code keep_alive: 0}. Thread-safe.
 */
final class OllamaEndpoints {
    private final ObjectMapper mapper;
    private final JsonReplies replies;
    private final ResponseGate gate;
    private final ModelCatalog catalog;
    private final LoadedModels loadedModels;
    private final TextGenerator generator;
    private final OllamaResponseWriter writer;
    private final long defaultSeed;

    OllamaEndpoints(
            ObjectMapper mapper,
            JsonReplies replies,
            ResponseGate gate,
            ModelCatalog catalog,
            LoadedModels loadedModels,
            TextGenerator generator,
            OllamaResponseWriter writer,
            long defaultSeed) {
        this.mapper = mapper;
        this.replies = replies;
        this.gate = gate;
        this.catalog = catalog;
        this.loadedModels = loadedModels;
        this.generator = generator;
        this.writer = writer;
        this.defaultSeed = defaultSeed;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/chat", replies.guard(Dialect.OLLAMA, this::chat));
        routes.post("/api/generate", replies.guard(Dialect.OLLAMA, this::generate));
    }

    private void chat(Context ctx) throws IOException {
        long startedNanos = System.nanoTime();
        RequestBody body = RequestBody.parse(ctx.body(), mapper, Dialect.OLLAMA);
        String requested = body.requiredText("model", "model is required");
        ModelDescriptor model = catalog.find(requested).orElseThrow(() -> Dialect.OLLAMA.modelNotFound(requested));
        Duration keepAlive = KeepAlive.parse(body.get("keep_alive"));
        List<ChatMessage> messages = messages(body.get("messages"));
        GenerationRequest request = messages.isEmpty()
                ? null
                : request(
                        requested,
                        messages,
                        GenerationRequest.PromptStyle.CHAT,
                        body,
                        ToolRequest.parse(body.get("tools"), null));
        respond(
                ctx,
                OllamaResponseWriter.Shape.CHAT,
                model,
                requested,
                keepAlive,
                request,
                body.bool("stream", true),
                startedNanos);
    }

    private void generate(Context ctx) throws IOException {
        long startedNanos = System.nanoTime();
        RequestBody body = RequestBody.parse(ctx.body(), mapper, Dialect.OLLAMA);
        String requested = body.requiredText("model", "model is required");
        ModelDescriptor model = catalog.find(requested).orElseThrow(() -> Dialect.OLLAMA.modelNotFound(requested));
        Duration keepAlive = KeepAlive.parse(body.get("keep_alive"));
        String prompt = body.text("prompt", "");
        boolean raw = body.bool("raw", false);
        var messages = new ArrayList<ChatMessage>();
        String system = body.text("system", "");
        if (!system.isEmpty() && !raw) {
            messages.add(new ChatMessage("system", system));
        }
        messages.add(new ChatMessage("user", prompt));
        String suffix = body.text("suffix", "");
        if (!suffix.isEmpty()) {
            messages.add(new ChatMessage("suffix", suffix));
        }
        var style = raw ? GenerationRequest.PromptStyle.RAW : GenerationRequest.PromptStyle.CHAT;
        GenerationRequest request =
                prompt.isEmpty() ? null : request(requested, messages, style, body, ToolRequest.NONE);
        respond(
                ctx,
                OllamaResponseWriter.Shape.GENERATE,
                model,
                requested,
                keepAlive,
                request,
                body.bool("stream", true),
                startedNanos);
    }

    /** A null request means "no input": the call only loads or unloads the model. */
    private void respond(
            Context ctx,
            OllamaResponseWriter.Shape shape,
            ModelDescriptor model,
            String requested,
            Duration keepAlive,
            GenerationRequest request,
            boolean streaming,
            long startedNanos)
            throws IOException {
        boolean generating = request != null;
        ResponseGate.Admission admission = gate.admitInference(ctx, Dialect.OLLAMA, streaming && generating);
        if (admission == ResponseGate.Admission.HANDLED) {
            return;
        }
        boolean unload = keepAlive.isZero();
        if (!generating) {
            if (unload) {
                loadedModels.unload(model);
            } else {
                loadedModels.touch(model, keepAlive);
            }
            replies.json(ctx, writer.loadFrame(shape, requested, unload ? "unload" : "load"));
            return;
        }
        try {
            long admittedNanos = System.nanoTime();
            loadedModels.touch(model, keepAlive);
            long loadNanos = System.nanoTime() - admittedNanos;
            var timing = new OllamaResponseWriter.Timing(startedNanos, admittedNanos, loadNanos);
            Generation generation = generator.generate(request);
            if (streaming) {
                writer.stream(ctx, shape, requested, generation, timing, admission);
            } else {
                writer.whole(ctx, shape, requested, generation, timing);
            }
        } finally {
            if (unload) {
                loadedModels.unload(model);
            }
        }
    }

    private GenerationRequest request(
            String model,
            List<ChatMessage> messages,
            GenerationRequest.PromptStyle style,
            RequestBody body,
            ToolRequest tools) {
        RequestBody options = body.object("options");
        long numPredict = options.integer("num_predict", -1);
        return new GenerationRequest(
                model,
                messages,
                style,
                options.integer("seed", defaultSeed),
                options.number("temperature", 0.8),
                // Ollama reads -1 as "no limit" and -2 as "fill the context"; both are "no cap" here.
                numPredict > 0 ? (int) Math.min(numPredict, Integer.MAX_VALUE) : 0,
                options.stringOrStrings("stop"),
                false,
                format(body.get("format")),
                thinking(body.get("think")),
                tools);
    }

    private static List<ChatMessage> messages(JsonNode node) {
        var messages = new ArrayList<ChatMessage>();
        if (node == null) {
            return messages;
        }
        if (!node.isArray()) {
            throw ApiError.badRequest("'messages' must be an array", "messages");
        }
        for (JsonNode message : node) {
            JsonNode content = message.path("content");
            if (!message.isObject() || !(content.isTextual() || content.isMissingNode() || content.isNull())) {
                throw ApiError.badRequest("each message needs a role and a string content", "messages");
            }
            messages.add(new ChatMessage(message.path("role").asText("user"), content.asText("")));
        }
        return messages;
    }

    private static OutputFormat format(JsonNode format) {
        if (format == null || (format.isTextual() && format.asText().isEmpty())) {
            return OutputFormat.TEXT;
        }
        if (format.isTextual() && format.asText().equals("json")) {
            return OutputFormat.JSON_OBJECT;
        }
        if (format.isObject()) {
            return OutputFormat.schema(format);
        }
        throw ApiError.badRequest("invalid format: " + format + "; expected \"json\" or a JSON schema", "format");
    }

    private static GenerationRequest.Thinking thinking(JsonNode think) {
        if (think == null) {
            return GenerationRequest.Thinking.UNSPECIFIED;
        }
        if (think.isBoolean()) {
            return think.asBoolean() ? GenerationRequest.Thinking.ENABLED : GenerationRequest.Thinking.DISABLED;
        }
        // gpt-oss style levels.
        if (think.isTextual() && List.of("high", "medium", "low").contains(think.asText())) {
            return GenerationRequest.Thinking.ENABLED;
        }
        throw ApiError.badRequest("invalid think value: " + think, "think");
    }
}
