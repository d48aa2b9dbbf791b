package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.usage.TokenUsage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Translates complete (non-streaming) Ollama answers into OpenAI response bodies. Pure functions:
 * no I/O, the given reply is never modified.
 *
 * <p>Chat answers carry Ollama's {@code thinking} as {@code message.reasoning_content} (the field
 * vLLM and DeepSeek use), tool calls with JSON-string arguments and ids
 * {@code call_<responseId>_<index>}, and {@code content: null} when the model only called tools,
 * as OpenAI does. Completion answers drop {@code thinking}: the completions shape has no place for
 * it. Usage counts Ollama did not report are written as 0; {@link #usageOf} tells them apart.
 * No {@code system_fingerprint} is written.
 *
 * <p>A reply that is not a JSON object, carries an {@code error}, or lacks the endpoint's payload
 * fails with {@code UPSTREAM_BAD_RESPONSE}.
 *
 * <p>Thread-safe and stateless provided the given {@link ObjectMapper} is not reconfigured.
 */
public final class OllamaToOpenAi {
    private final ObjectMapper mapper;

    public OllamaToOpenAi(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** An OpenAI {@code chat.completion} from an Ollama {@code /api/chat} reply. */
    public ObjectNode chatResponse(JsonNode ollama, String publicModel, String responseId, long createdEpochSeconds) {
        OllamaReply.requireObject(ollama, "the model's backend reported an error");
        JsonNode message = ollama.get("message");
        if (message == null || !message.isObject()) {
            throw OllamaReply.badResponse("a chat reply without a message");
        }
        ObjectNode openAiMessage = mapper.createObjectNode().put("role", "assistant");
        String content = OllamaReply.optionalText(message, "content", "message content");
        String thinking = OllamaReply.optionalText(message, "thinking", "message thinking");
        JsonNode toolCalls = OllamaToolCalls.requireList(message.get("tool_calls"));
        boolean calledTools = toolCalls != null && !toolCalls.isEmpty();
        if (calledTools && content.isEmpty()) {
            openAiMessage.putNull("content");
        } else {
            openAiMessage.put("content", content);
        }
        if (!thinking.isEmpty()) {
            openAiMessage.put("reasoning_content", thinking);
        }
        if (calledTools) {
            OllamaToolCalls translator = new OllamaToolCalls(mapper, responseId);
            ArrayNode calls = openAiMessage.putArray("tool_calls");
            for (int i = 0; i < toolCalls.size(); i++) {
                calls.add(translator.toOpenAi(toolCalls.get(i), i));
            }
        }
        ObjectNode response = envelope(responseId, "chat.completion", createdEpochSeconds, publicModel);
        ObjectNode choice = response.putArray("choices").addObject().put("index", 0);
        choice.set("message", openAiMessage);
        choice.putNull("logprobs");
        choice.put("finish_reason", OllamaReply.finishReason(ollama, calledTools));
        response.set("usage", OllamaReply.usageNode(usageOf(ollama), mapper.getNodeFactory()));
        return response;
    }

    /** An OpenAI {@code text_completion} from an Ollama {@code /api/generate} reply. */
    public ObjectNode completionResponse(JsonNode ollama, String publicModel, String responseId, long created) {
        OllamaReply.requireObject(ollama, "the model's backend reported an error");
        JsonNode text = ollama.get("response");
        if (text == null || !text.isTextual()) {
            throw OllamaReply.badResponse("a completion reply without response text");
        }
        ObjectNode response = envelope(responseId, "text_completion", created, publicModel);
        ObjectNode choice = response.putArray("choices").addObject();
        choice.put("text", text.textValue()).put("index", 0).putNull("logprobs");
        choice.put("finish_reason", OllamaReply.finishReason(ollama, false));
        response.set("usage", OllamaReply.usageNode(usageOf(ollama), mapper.getNodeFactory()));
        return response;
    }

    /** An OpenAI embedding list with float arrays, from an Ollama {@code /api/embed} reply. */
    public ObjectNode embeddingResponse(JsonNode ollama, String publicModel) {
        return embeddingResponse(ollama, publicModel, false);
    }

    /**
     * An OpenAI embedding list from an Ollama {@code /api/embed} reply; with {@code base64} each
     * vector is little-endian float32 bytes in base64, as OpenAI's {@code encoding_format: "base64"}.
     */
    public ObjectNode embeddingResponse(JsonNode ollama, String publicModel, boolean base64) {
        OllamaReply.requireObject(ollama, "the model's backend reported an error");
        JsonNode embeddings = ollama.get("embeddings");
        if (embeddings == null || !embeddings.isArray()) {
            throw OllamaReply.badResponse("an embedding reply without embeddings");
        }
        ObjectNode response = mapper.createObjectNode().put("object", "list");
        ArrayNode data = response.putArray("data");
        for (int i = 0; i < embeddings.size(); i++) {
            JsonNode vector = embeddings.get(i);
            if (!vector.isArray()) {
                throw OllamaReply.badResponse("an embedding that is not a list of numbers");
            }
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                item.put("embedding", float32Base64(vector));
            } else {
                item.set("embedding", requireNumbers(vector).deepCopy());
            }
        }
        response.put("model", publicModel);
        TokenUsage usage = usageOf(ollama);
        int promptTokens = Math.max(usage.promptTokens(), 0);
        response.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
        return response;
    }

    /** Token counts of a final Ollama reply or stream line; {@link TokenUsage#UNKNOWN} when it has none. */
    public TokenUsage usageOf(JsonNode ollamaFinal) {
        return ollamaFinal == null || !ollamaFinal.isObject() ? TokenUsage.UNKNOWN : OllamaReply.usage(ollamaFinal);
    }

    private ObjectNode envelope(String id, String object, long created, String model) {
        return mapper.createObjectNode()
                .put("id", id)
                .put("object", object)
                .put("created", created)
                .put("model", model);
    }

    private static JsonNode requireNumbers(JsonNode vector) {
        for (JsonNode value : vector) {
            if (!value.isNumber()) {
                throw OllamaReply.badResponse("an embedding that is not a list of numbers");
            }
        }
        return vector;
    }

    private static String float32Base64(JsonNode vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode value : requireNumbers(vector)) {
            bytes.putFloat(value.floatValue());
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
