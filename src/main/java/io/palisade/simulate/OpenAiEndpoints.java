package io.palisade.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI-compatible generation API as vLLM and llama.cpp serve it:
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}, whole or streamed as SSE.
 * {@code n} is ignored (always one choice per prompt). Thread-safe.
 */
final class OpenAiEndpoints {
    private static final double DEFAULT_TEMPERATURE = 1.0;

    private final ObjectMapper mapper;
    private final JsonReplies replies;
    private final ResponseGate gate;
    private final ModelCatalog catalog;
    private final LoadedModels loadedModels;
    private final TextGenerator generator;
    private final OpenAiResponseWriter writer;
    private final long defaultSeed;

    OpenAiEndpoints(
            ObjectMapper mapper,
            JsonReplies replies,
            ResponseGate gate,
            ModelCatalog catalog,
            LoadedModels loadedModels,
            TextGenerator generator,
            OpenAiResponseWriter writer,
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
        routes.post("/v1/chat/completions", replies.guard(Dialect.OPENAI, this::chatCompletions));
        routes.post("/v1/completions", replies.guard(Dialect.OPENAI, this::completions));
    }

    private void chatCompletions(Context ctx) throws IOException {
        RequestBody body = RequestBody.parse(ctx.body(), mapper, Dialect.OPENAI);
        String requested = body.requiredText("model", "you must provide a model parameter");
        ModelDescriptor model = catalog.find(requested).orElseThrow(() -> Dialect.OPENAI.modelNotFound(requested));
        List<ChatMessage> messages = messages(body.get("messages"));
        boolean streaming = body.bool("stream", false);
        boolean includeUsage = streaming && body.object("stream_options").bool("include_usage", false);
        GenerationRequest request = request(
                requested,
                messages,
                GenerationRequest.PromptStyle.CHAT,
                body,
                ToolRequest.parse(body.get("tools"), body.get("tool_choice")));

        ResponseGate.Admission admission = gate.admitInference(ctx, Dialect.OPENAI, streaming);
        if (admission == ResponseGate.Admission.HANDLED) {
            return;
        }
        loadedModels.touch(model, KeepAlive.DEFAULT);
        Generation generation = generator.generate(request);
        if (streaming) {
            writer.streamChat(ctx, requested, generation, includeUsage, admission);
        } else {
            writer.chat(ctx, requested, generation);
        }
    }

    private void completions(Context ctx) throws IOException {
        RequestBody body = RequestBody.parse(ctx.body(), mapper, Dialect.OPENAI);
        String requested = body.requiredText("model", "you must provide a model parameter");
        ModelDescriptor model = catalog.find(requested).orElseThrow(() -> Dialect.OPENAI.modelNotFound(requested));
        List<String> prompts = body.stringOrStrings("prompt");
        if (prompts.isEmpty()) {
            throw ApiError.badRequest("you must provide a prompt", "prompt");
        }
        boolean streaming = body.bool("stream", false);
        boolean includeUsage = streaming && body.object("stream_options").bool("include_usage", false);
        var requests = new ArrayList<GenerationRequest>();
        for (String prompt : prompts) {
            requests.add(request(
                    requested,
                    List.of(new ChatMessage("user", prompt)),
                    GenerationRequest.PromptStyle.RAW,
                    body,
                    ToolRequest.NONE));
        }

        ResponseGate.Admission admission = gate.admitInference(ctx, Dialect.OPENAI, streaming);
        if (admission == ResponseGate.Admission.HANDLED) {
            return;
        }
        loadedModels.touch(model, KeepAlive.DEFAULT);
        List<Generation> generations =
                requests.stream().map(generator::generate).toList();
        if (streaming) {
            writer.streamCompletions(ctx, requested, generations, includeUsage, admission);
        } else {
            writer.completions(ctx, requested, generations);
        }
    }

    private GenerationRequest request(
            String model,
            List<ChatMessage> messages,
            GenerationRequest.PromptStyle style,
            RequestBody body,
            ToolRequest tools) {
        return new GenerationRequest(
                model,
                messages,
                style,
                body.integer("seed", defaultSeed),
                body.number("temperature", DEFAULT_TEMPERATURE),
                maxTokens(body),
                body.stringOrStrings("stop"),
                body.bool("ignore_eos", false),
                format(body.object("response_format")),
                thinking(body),
                tools);
    }

    /**
     * This API reports no separate reasoning, so thinking is never {@code ENABLED} here; it can only
     * be switched off: by vLLM's and SGLang's {@code chat_template_kwargs.enable_thinking}, or by the
     * {@code think} and {@code reasoning_effort} fields Ollama's compatibility layer reads. Fields of
     * an unexpected type are ignored, as they were before this switch was read.
     */
    private static GenerationRequest.Thinking thinking(RequestBody body) {
        JsonNode think = body.get("think");
        JsonNode templateSwitch = body.get("chat_template_kwargs") == null
                ? null
                : body.get("chat_template_kwargs").get("enable_thinking");
        JsonNode effort = body.get("reasoning_effort");
        boolean off = (think != null && think.isBoolean() && !think.asBoolean())
                || (templateSwitch != null && templateSwitch.isBoolean() && !templateSwitch.asBoolean())
                || (effort != null && effort.isTextual() && effort.asText().equals("none"));
        return off ? GenerationRequest.Thinking.DISABLED : GenerationRequest.Thinking.UNSPECIFIED;
    }

    /** {@code max_completion_tokens} supersedes the older {@code max_tokens}. */
    private static int maxTokens(RequestBody body) {
        String field = body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        long value = body.integer(field, 0);
        if (body.has(field) && value < 1) {
            throw ApiError.badRequest("'" + field + "' must be at least 1, got " + value, field);
        }
        return (int) Math.min(value, Integer.MAX_VALUE);
    }

    private static OutputFormat format(RequestBody responseFormat) {
        return switch (responseFormat.text("type", "text")) {
            case "text" -> OutputFormat.TEXT;
            case "json_object" -> OutputFormat.JSON_OBJECT;
            case "json_schema" -> {
                JsonNode schema = responseFormat.object("json_schema").get("schema");
                yield schema == null ? OutputFormat.JSON_OBJECT : OutputFormat.schema(schema);
            }
            default ->
                throw ApiError.badRequest(
                        "'response_format.type' must be text, json_object or json_schema", "response_format");
        };
    }

    private static List<ChatMessage> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiError.badRequest("'messages' must be a non-empty array", "messages");
        }
        var messages = new ArrayList<ChatMessage>();
        for (JsonNode message : node) {
            JsonNode role = message.path("role");
            if (!role.isTextual()) {
                throw ApiError.badRequest("each message needs a 'role'", "messages");
            }
            messages.add(new ChatMessage(role.asText(), content(message.path("content"))));
        }
        return messages;
    }

    /** Content is a string, null (assistant turns with tool calls), or an array of typed parts. */
    private static String content(JsonNode content) {
        if (content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw ApiError.badRequest("message content must be a string or an array of parts", "messages");
        }
        var texts = new ArrayList<String>();
        for (JsonNode part : content) {
            // Images and audio parts are accepted; only text takes part in generation.
            if (part.path("type").asText().equals("text")) {
                texts.add(part.path("text").asText(""));
            }
        }
        return String.join("\n", texts);
    }
}
