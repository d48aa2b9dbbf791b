package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;
import io.palisade.upstream.TokenUsage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Ollama-native answers → OpenAI's shapes, for complete (non-streamed) answers. Ollama's
 * {@code prompt_eval_count}/{@code eval_count} become {@code usage}; {@code message.thinking}
 * becomes {@code reasoning_content} (the field vLLM and others use); tool-call arguments become
 * JSON strings. An answer without the expected fields is a bad upstream answer (502).
 * Thread-safe.
 */
public final class OllamaToOpenAi {
    private final ObjectMapper json;

    public OllamaToOpenAi(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode chatResponse(JsonNode ollama, String publicModel, String responseId, long created) {
        JsonNode message = ollama.path("message");
        if (!ollama.isObject() || !message.isObject()) {
            throw bad("its chat answer has no message");
        }
        ObjectNode body = envelope(responseId, "chat.completion", created, publicModel);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode out = choice.putObject("message");
        out.put("role", "assistant");
        out.put("content", message.path("content").asText(""));
        if (!message.path("thinking").asText("").isEmpty()) {
            out.put("reasoning_content", message.get("thinking").asText());
        }
        boolean tools = message.path("tool_calls").isArray() && !message.get("tool_calls").isEmpty();
        if (tools) {
            out.set("tool_calls", ToolCalls.toOpenAi(json, message.get("tool_calls"), responseId, false));
        }
        choice.put("finish_reason", finishReason(ollama, tools));
        body.set("usage", usage(ollama));
        return body;
    }

    public ObjectNode completionResponse(JsonNode ollama, String publicModel, String responseId, long created) {
        if (!ollama.isObject() || !ollama.path("response").isTextual()) {
            throw bad("its completion answer has no response text");
        }
        ObjectNode body = envelope(responseId, "text_completion", created, publicModel);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", ollama.get("response").asText());
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(ollama, false));
        body.set("usage", usage(ollama));
        return body;
    }

    /** {@code base64}: encode vectors as little-endian float32, as OpenAI does for {@code encoding_format: base64}. */
    public ObjectNode embeddingResponse(JsonNode ollama, String publicModel, boolean base64) {
        JsonNode embeddings = ollama.path("embeddings");
        if (!ollama.isObject() || !embeddings.isArray()) {
            throw bad("its embedding answer has no embeddings");
        }
        ObjectNode body = json.createObjectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (int i = 0; i < embeddings.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                item.put("embedding", encode(embeddings.get(i)));
            } else {
                item.set("embedding", embeddings.get(i));
            }
        }
        body.put("model", publicModel);
        int prompt = ollama.path("prompt_eval_count").asInt(0);
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", prompt);
        usage.put("total_tokens", prompt);
        return body;
    }

    public TokenUsage usageOf(JsonNode ollama) {
        return usageFrom(ollama);
    }

    static TokenUsage usageFrom(JsonNode ollama) {
        if (!ollama.has("prompt_eval_count") && !ollama.has("eval_count")) {
            return TokenUsage.UNKNOWN;
        }
        return new TokenUsage(ollama.path("prompt_eval_count").asInt(0), ollama.path("eval_count").asInt(0));
    }

    static String finishReason(JsonNode ollama, boolean toolCalls) {
        if (toolCalls) {
            return "tool_calls";
        }
        return "length".equals(ollama.path("done_reason").asText()) ? "length" : "stop";
    }

    ObjectNode usage(JsonNode ollama) {
        return usageNode(json, ollama);
    }

    static ObjectNode usageNode(ObjectMapper json, JsonNode ollama) {
        int prompt = ollama.path("prompt_eval_count").asInt(0);
        int completion = ollama.path("eval_count").asInt(0);
        ObjectNode usage = json.createObjectNode();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        return usage;
    }

    private ObjectNode envelope(String id, String object, long created, String model) {
        ObjectNode body = json.createObjectNode();
        body.put("id", id);
        body.put("object", object);
        body.put("created", created);
        body.put("model", model);
        return body;
    }

    private static String encode(JsonNode vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        vector.forEach(value -> buffer.putFloat((float) value.asDouble()));
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    private static PalisadeException bad(String problem) {
        return new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, "the Ollama backend sent a bad answer: " + problem);
    }
}
