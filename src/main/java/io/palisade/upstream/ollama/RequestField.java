package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;

/**
 * Typed reads of client request fields that fail with a 400 naming the field. JSON {@code null}
 * counts as absent everywhere because OpenAI SDKs routinely serialise unset fields as null.
 */
final class RequestField {
    private RequestField() {}

    static boolean isAbsent(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode();
    }

    static PalisadeException invalid(String message, String param) {
        return new PalisadeException(ErrorCode.INVALID_REQUEST, message, param);
    }

    static JsonNode number(JsonNode value, String param) {
        if (!value.isNumber()) {
            throw invalid(param + " must be a number", param);
        }
        return value;
    }

    static JsonNode integer(JsonNode value, String param) {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalid(param + " must be an integer", param);
        }
        return value;
    }

    static String text(JsonNode value, String param) {
        if (!value.isTextual()) {
            throw invalid(param + " must be a string", param);
        }
        return value.textValue();
    }

    static boolean bool(JsonNode value, String param) {
        if (!value.isBoolean()) {
            throw invalid(param + " must be a boolean", param);
        }
        return value.booleanValue();
    }
}
