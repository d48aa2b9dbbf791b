package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * OpenAI {@code response_format} to Ollama {@code format}: Ollama takes either the literal
 * {@code "json"} or a JSON schema object directly, and has no "text" mode because plain text is
 * its default.
 */
final class ResponseFormatTranslator {
    private ResponseFormatTranslator() {}

    /** Returns the Ollama format value, or null when nothing should be sent. */
    static JsonNode translate(JsonNode responseFormat, JsonNodeFactory factory) {
        if (RequestField.isAbsent(responseFormat)) {
            return null;
        }
        if (!responseFormat.isObject()) {
            throw RequestField.invalid("response_format must be an object", "response_format");
        }
        JsonNode type = responseFormat.get("type");
        if (type == null || !type.isTextual()) {
            throw RequestField.invalid("response_format.type must be a string", "response_format.type");
        }
        return switch (type.textValue()) {
            case "text" -> null;
            case "json_object" -> factory.textNode("json");
            case "json_schema" -> schema(responseFormat);
            default ->
                throw RequestField.invalid(
                        "response_format.type must be one of text, json_object, json_schema", "response_format.type");
        };
    }

    private static JsonNode schema(JsonNode responseFormat) {
        JsonNode schema = responseFormat.path("json_schema").path("schema");
        if (!schema.isObject()) {
            throw RequestField.invalid(
                    "response_format.json_schema.schema must be a JSON schema object",
                    "response_format.json_schema.schema");
        }
        return schema.deepCopy();
    }
}
