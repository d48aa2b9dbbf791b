package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Translates OpenAI-shaped request bodies into Ollama-native request bodies for
 * {@code /api/chat}, {@code /api/generate} and {@code /api/embed}. Pure functions: no I/O, and the
 * given request is never modified.
 *
 * <p>Mapping rules beyond the obvious renames:
 * <ul>
 *   <li>{@code stream} is always written, because Ollama streams unless told otherwise.</li>
 *   <li>Sampling fields ({@code temperature, top_p, seed, stop, presence_penalty,
 *       frequency_penalty}), {@code max_completion_tokens}/{@code max_tokens} (as
 *       {@code num_predict}; the former wins) and the common extensions {@code top_k, min_p,
 *       repeat_penalty, num_ctx} go into {@code options}. A native {@code options} object is merged
 *       in, but <b>top-level fields win over native entries with the same name</b>: they are this
 *       API's contract and what gateway policy inspects. By the same rule {@code response_format}
 *       wins over a native {@code format}, and {@code reasoning_effort} over a native {@code think}.
 *       No defaults are injected, so the model's own Modelfile parameters apply when a field is
 *       unset.</li>
 *   <li>Not sent to Ollama, because they are OpenAI-only: {@code user, logit_bias, logprobs,
 *       top_logprobs, parallel_tool_calls, service_tier, store, metadata, stream_options}, plus
 *       {@code echo}/{@code best_of} for completions and {@code encoding_format} for embeddings
 *       (the caller applies it to the response). What Ollama cannot honour ({@code n} other than 1,
 *       {@code logprobs}, {@code top_logprobs}, a forced {@code tool_choice}, {@code best_of},
 *       {@code echo}, remote image URLs) is refused with a 400 by {@link OllamaUnsupportedFields},
 *       never dropped: only {@code logprobs: false} and {@code top_logprobs: 0} are left out.</li>
 *   <li>Every other top-level field is copied through unchanged (Ollama ignores what it does not
 *       know), so native fields such as {@code keep_alive}, {@code raw}, {@code template} or
 *       {@code truncate} reach the backend.</li>
 *   <li>{@code tool_choice: "none"} omits {@code tools}, the only way to honour it since Ollama has
 *       no tool choice; {@code "auto"} is Ollama's own behaviour; other values are refused.</li>
 * </ul>
 * Untranslatable client input fails with {@code INVALID_REQUEST} naming the offending field.
 *
 * <p>Thread-safe and stateless provided the given {@link ObjectMapper} is not reconfigured.
 */
public final class OpenAiToOllama {
    private static final Set<String> OPENAI_ONLY_FIELDS = Set.of(
            "user",
            "logit_bias",
            "logprobs",
            "top_logprobs",
            "parallel_tool_calls",
            "service_tier",
            "store",
            "metadata",
            "stream_options");
    /** Fields both generation endpoints compute themselves instead of copying. */
    private static final Set<String> GENERATION_FIELDS = union(
            OptionsTranslator.CONSUMED_FIELDS,
            Set.of("model", "stream", "n", "response_format", "think", "reasoning_effort"));

    private static final Set<String> CHAT_FIELDS = union(GENERATION_FIELDS, Set.of("messages", "tools"));
    private static final Set<String> COMPLETION_FIELDS = union(GENERATION_FIELDS, Set.of("prompt", "echo", "best_of"));
    private static final Set<String> EMBEDDING_FIELDS = Set.of("model", "input", "dimensions", "encoding_format");

    private final ObjectMapper mapper;
    private final ChatMessageTranslator messages;

    public OpenAiToOllama(ObjectMapper mapper) {
        this.mapper = mapper;
        this.messages = new ChatMessageTranslator(mapper);
    }

    /** Body for Ollama's {@code POST /api/chat}. */
    public ObjectNode chatRequest(ObjectNode openAiRequest, String upstreamModel) {
        ObjectNode body = mapper.createObjectNode();
        body.put("model", upstreamModel);
        body.set("messages", messages.translate(openAiRequest.get("messages")));
        writeGenerationFields(openAiRequest, body);
        JsonNode tools = openAiRequest.get("tools");
        if (!RequestField.isAbsent(tools)) {
            if (!tools.isArray()) {
                throw RequestField.invalid("tools must be an array", "tools");
            }
            if (!"none".equals(openAiRequest.path("tool_choice").textValue())) {
                body.set("tools", tools.deepCopy());
            }
        }
        copyRemaining(openAiRequest, body, CHAT_FIELDS);
        return body;
    }

    /** Body for Ollama's {@code POST /api/generate}. */
    public ObjectNode completionRequest(ObjectNode openAiRequest, String upstreamModel) {
        ObjectNode body = mapper.createObjectNode();
        body.put("model", upstreamModel);
        body.put("prompt", CompletionPrompt.single(openAiRequest.get("prompt")));
        writeGenerationFields(openAiRequest, body);
        copyRemaining(openAiRequest, body, COMPLETION_FIELDS);
        return body;
    }

    /** Body for Ollama's {@code POST /api/embed}. Ollama's embed endpoint does not stream. */
    public ObjectNode embeddingRequest(ObjectNode openAiRequest, String upstreamModel) {
        ObjectNode body = mapper.createObjectNode();
        body.put("model", upstreamModel);
        body.set("input", EmbeddingInput.translate(openAiRequest.get("input"), mapper.getNodeFactory()));
        JsonNode dimensions = openAiRequest.get("dimensions");
        if (!RequestField.isAbsent(dimensions)) {
            body.set("dimensions", RequestField.integer(dimensions, "dimensions"));
        }
        wantsBase64Embeddings(openAiRequest); // validates encoding_format before anything is sent
        copyRemaining(openAiRequest, body, EMBEDDING_FIELDS);
        return body;
    }

    /**
     * Whether the client asked for base64 embeddings ({@code encoding_format: "base64"}), to be
     * passed on to {@link OllamaToOpenAi#embeddingResponse(JsonNode, String, boolean)}.
     */
    public boolean wantsBase64Embeddings(ObjectNode openAiRequest) {
        JsonNode format = openAiRequest.get("encoding_format");
        if (RequestField.isAbsent(format)) {
            return false;
        }
        return switch (RequestField.text(format, "encoding_format")) {
            case "float" -> false;
            case "base64" -> true;
            default -> throw RequestField.invalid("encoding_format must be float or base64", "encoding_format");
        };
    }

    /** Whether a streaming client asked for a final usage chunk ({@code stream_options.include_usage}). */
    public boolean wantsStreamUsage(ObjectNode openAiRequest) {
        return openAiRequest.path("stream_options").path("include_usage").asBoolean(false);
    }

    private void writeGenerationFields(ObjectNode request, ObjectNode body) {
        JsonNode stream = request.get("stream");
        body.put("stream", !RequestField.isAbsent(stream) && RequestField.bool(stream, "stream"));
        OllamaUnsupportedFields.check(
                request); // refused, not dropped; admission checked it already for the model's own deployments
        ObjectNode options = OptionsTranslator.translate(request, mapper.getNodeFactory());
        if (options != null) {
            body.set("options", options);
        }
        JsonNode format = ResponseFormatTranslator.translate(request.get("response_format"), mapper.getNodeFactory());
        if (format != null) {
            body.set("format", format);
        }
        JsonNode think = ThinkTranslator.translate(
                request.get("think"), request.get("reasoning_effort"), mapper.getNodeFactory());
        if (think != null) {
            body.set("think", think);
        }
    }

    // Copies what no rule consumed, without overwriting a computed field: a computed field is the
    // translation of an OpenAI field, which wins over a native one of the same name.
    private static void copyRemaining(ObjectNode request, ObjectNode body, Set<String> consumed) {
        request.properties().forEach(field -> {
            String name = field.getKey();
            if (!consumed.contains(name) && !OPENAI_ONLY_FIELDS.contains(name) && !body.has(name)) {
                body.set(name, field.getValue().deepCopy());
            }
        });
    }

    private static Set<String> union(Set<String> first, Set<String> second) {
        Set<String> all = new HashSet<>(first);
        all.addAll(second);
        return Set.copyOf(all);
    }
}
