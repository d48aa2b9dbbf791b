package io.palisade.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.upstream.Operation;
import java.util.function.Consumer;

/**
 * The minimum shape each OpenAI operation needs before it is worth admitting and forwarding.
 * Deliberately shallow: fields are checked only where a wrong type would make the request
 * meaningless; everything else is the backend's to judge (and unknown fields pass through).
 */
public final class OpenAiRequestRules {
    private OpenAiRequestRules() {}

    public static Consumer<ObjectNode> forOperation(Operation operation) {
        return switch (operation) {
            case CHAT -> OpenAiRequestRules::chat;
            case COMPLETION -> OpenAiRequestRules::completion;
            case EMBEDDING -> OpenAiRequestRules::embedding;
        };
    }

    private static void chat(ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw invalid("the field 'messages' is required and must be a non-empty array", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw invalid("each message must be an object with a string 'role'", "messages[" + i + "].role");
            }
        }
        common(body);
    }

    private static void completion(ObjectNode body) {
        JsonNode prompt = body.get("prompt");
        if (prompt == null || !(prompt.isTextual() || prompt.isArray())) {
            throw invalid("the field 'prompt' is required and must be a string or an array", "prompt");
        }
        common(body);
    }

    private static void embedding(ObjectNode body) {
        JsonNode input = body.get("input");
        if (input == null || !(input.isTextual() || input.isArray()) || (input.isArray() && input.isEmpty())) {
            throw invalid("the field 'input' is required and must be a string or a non-empty array", "input");
        }
        if (body.path("stream").asBoolean(false)) {
            throw invalid("embeddings cannot be streamed", "stream");
        }
    }

    private static void common(ObjectNode body) {
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw invalid("the field 'stream' must be true or false", "stream");
        }
        for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
            JsonNode value = body.get(field);
            if (value != null
                    && !value.isNull()
                    && (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1)) {
                throw invalid("the field '" + field + "' must be a positive whole number", field);
            }
        }
    }

    private static PalisadeException invalid(String message, String param) {
        return new PalisadeException(ErrorCode.INVALID_REQUEST, message, param);
    }
}
