package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.usage.TokenUsage;

/**
 * Reading an Ollama reply, whole or one stream line: shape checks that fail with a 502, the
 * finish reason, and token counts.
 */
final class OllamaReply {
    private static final int ERROR_MESSAGE_LIMIT = 200;

    private OllamaReply() {}

    static PalisadeException badResponse(String problem) {
        return new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, "the model's backend sent " + problem);
    }

    /** Fails unless the reply is an object carrying no backend-reported error. */
    static void requireObject(JsonNode reply, String errorPrefix) {
        if (reply == null || !reply.isObject()) {
            throw badResponse("a reply that is not a JSON object");
        }
        JsonNode error = reply.get("error");
        if (error != null && !error.isNull()) {
            String message = error.isTextual() ? error.textValue() : error.toString();
            throw new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, errorPrefix + ": " + truncate(message));
        }
    }

    static String optionalText(JsonNode parent, String field, String what) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw badResponse(what + " that is not a string");
        }
        return value.textValue();
    }

    /** OpenAI knows only stop, length and tool_calls here; Ollama's "unload" and others mean a plain stop. */
    static String finishReason(JsonNode reply, boolean calledTools) {
        if (calledTools) {
            return "tool_calls";
        }
        return "length".equals(reply.path("done_reason").textValue()) ? "length" : "stop";
    }

    static TokenUsage usage(JsonNode reply) {
        JsonNode prompt = count(reply, "prompt_eval_count");
        JsonNode completion = count(reply, "eval_count");
        if (prompt == null && completion == null) {
            return TokenUsage.UNKNOWN;
        }
        // Ollama omits a zero count, e.g. prompt_eval_count when the whole prompt was cached.
        return new TokenUsage(prompt == null ? 0 : prompt.intValue(), completion == null ? 0 : completion.intValue());
    }

    static ObjectNode usageNode(TokenUsage usage, JsonNodeFactory factory) {
        int prompt = Math.max(usage.promptTokens(), 0);
        int completion = Math.max(usage.completionTokens(), 0);
        return factory.objectNode()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    private static JsonNode count(JsonNode reply, String field) {
        JsonNode value = reply.get(field);
        return value != null && value.isIntegralNumber() && value.canConvertToInt() ? value : null;
    }

    private static String truncate(String message) {
        if (message.length() <= ERROR_MESSAGE_LIMIT) {
            return message;
        }
        int end = Character.isHighSurrogate(message.charAt(ERROR_MESSAGE_LIMIT - 1))
                ? ERROR_MESSAGE_LIMIT - 1
                : ERROR_MESSAGE_LIMIT;
        return message.substring(0, end) + "…";
    }
}
