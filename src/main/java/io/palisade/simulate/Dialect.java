package io.palisade.simulate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The two API families the simulator speaks; each has its own error wording and shape. */
enum Dialect {
    /** Ollama native API: {@code {"error": "..."}}. */
    OLLAMA,
    /** OpenAI-compatible API as vLLM and llama.cpp serve it: {@code {"error": {message, type, param, code}}}. */
    OPENAI;

    ApiError modelNotFound(String model) {
        return switch (this) {
            case OLLAMA ->
                new ApiError(
                        404,
                        "model \"" + model + "\" not found, try pulling it first",
                        "invalid_request_error",
                        "model",
                        "model_not_found");
            case OPENAI ->
                new ApiError(
                        404,
                        "The model `" + model + "` does not exist.",
                        "invalid_request_error",
                        "model",
                        "model_not_found");
        };
    }

    ApiError malformedJson(String detail) {
        return ApiError.badRequest(
                switch (this) {
                    case OLLAMA -> detail;
                    case OPENAI -> "We could not parse the JSON body of your request. (" + detail + ")";
                },
                null);
    }

    /** Content type of this dialect's streamed responses: NDJSON for Ollama, SSE for OpenAI. */
    String streamContentType() {
        return this == OLLAMA ? "application/x-ndjson" : "text/event-stream";
    }

    /** A syntactically broken frame in this dialect's stream framing, for garbage injection. */
    String garbageFrame() {
        return this == OLLAMA ? "{\"model\": garbage, <not json>\n" : "data: {\"id\": garbage, <not json>\n\n";
    }

    /** The error body a client of this dialect expects. */
    ObjectNode errorBody(ApiError error) {
        var factory = JsonNodeFactory.instance;
        var body = factory.objectNode();
        switch (this) {
            case OLLAMA -> body.put("error", error.getMessage());
            case OPENAI ->
                body.putObject("error")
                        .put("message", error.getMessage())
                        .put("type", error.type())
                        .put("param", error.param())
                        .put("code", error.code());
        }
        return body;
    }
}
