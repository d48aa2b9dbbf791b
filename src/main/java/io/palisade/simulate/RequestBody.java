package io.palisade.simulate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed read access to a JSON request object. Unknown fields are ignored, as real servers do;
 * a field of the wrong type becomes a 400 {@link ApiError} naming the field.
 */
final class RequestBody {
    private final ObjectNode node;

    private RequestBody(ObjectNode node) {
        this.node = node;
    }

    static RequestBody parse(String text, ObjectMapper mapper, Dialect dialect) {
        if (text == null || text.isBlank()) {
            String message = dialect == Dialect.OLLAMA ? "missing request body" : "Request body is empty.";
            throw ApiError.badRequest(message, null);
        }
        JsonNode parsed;
        try {
            parsed = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw dialect.malformedJson(e.getOriginalMessage());
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw dialect.malformedJson("request body must be a JSON object");
        }
        return new RequestBody(object);
    }

    /** A nested object field, or an empty body when it is absent or null. */
    RequestBody object(String field) {
        JsonNode value = get(field);
        if (value == null) {
            return new RequestBody(JsonNodeFactory.instance.objectNode());
        }
        if (value instanceof ObjectNode object) {
            return new RequestBody(object);
        }
        throw wrongType(field, "an object");
    }

    /** The raw field, or null when it is absent or JSON null. */
    JsonNode get(String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    boolean has(String field) {
        return get(field) != null;
    }

    String text(String field, String fallback) {
        JsonNode value = get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw wrongType(field, "a string");
        }
        return value.asText();
    }

    String requiredText(String field, String messageWhenMissing) {
        String value = text(field, null);
        if (value == null || value.isEmpty()) {
            throw ApiError.badRequest(messageWhenMissing, field);
        }
        return value;
    }

    boolean bool(String field, boolean fallback) {
        JsonNode value = get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw wrongType(field, "a boolean");
        }
        return value.asBoolean();
    }

    /** An integral field; {@code fallback} when absent. */
    long integer(String field, long fallback) {
        JsonNode value = get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() && !(value.isNumber() && value.asDouble() == Math.rint(value.asDouble()))) {
            throw wrongType(field, "an integer");
        }
        return value.asLong();
    }

    double number(String field, double fallback) {
        JsonNode value = get(field);
        if (value == null) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw wrongType(field, "a number");
        }
        return value.asDouble();
    }

    /** A field holding either one string or an array of strings. */
    List<String> stringOrStrings(String field) {
        JsonNode value = get(field);
        var result = new ArrayList<String>();
        if (value == null) {
            return result;
        }
        if (value.isTextual()) {
            result.add(value.asText());
            return result;
        }
        if (!value.isArray()) {
            throw wrongType(field, "a string or an array of strings");
        }
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                throw wrongType(field, "a string or an array of strings");
            }
            result.add(element.asText());
        }
        return result;
    }

    private static ApiError wrongType(String field, String expected) {
        return ApiError.badRequest("'" + field + "' must be " + expected, field);
    }
}
