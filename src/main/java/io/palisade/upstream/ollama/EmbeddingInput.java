package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * OpenAI embedding {@code input} to Ollama's: both take a string or an array of strings. OpenAI's
 * token-array inputs are refused because Ollama embeds text only.
 */
final class EmbeddingInput {
    private EmbeddingInput() {}

    static JsonNode translate(JsonNode input, JsonNodeFactory factory) {
        if (RequestField.isAbsent(input)) {
            throw RequestField.invalid("input is required", "input");
        }
        if (input.isTextual()) {
            return factory.textNode(input.textValue());
        }
        if (!input.isArray() || input.isEmpty()) {
            throw RequestField.invalid("input must be a string or a non-empty array of strings", "input");
        }
        for (int i = 0; i < input.size(); i++) {
            if (!input.get(i).isTextual()) {
                throw RequestField.invalid(
                        "token-array inputs are not supported; send text strings", "input[" + i + "]");
            }
        }
        return input.deepCopy();
    }
}
