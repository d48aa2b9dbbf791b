package io.palisade.upstream.ollama;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * Ollama tool calls to OpenAI tool calls. Ids are derived from the response id and the call's
 * position in the answer, so a replayed translation yields the same ids and streaming and
 * non-streaming answers agree.
 */
final class OllamaToolCalls {
    private final ObjectMapper mapper;
    private final String responseId;

    OllamaToolCalls(ObjectMapper mapper, String responseId) {
        this.mapper = mapper;
        this.responseId = responseId;
    }

    /** Fails with a 502 unless the value is absent or an array. */
    static JsonNode requireList(JsonNode toolCalls) {
        if (toolCalls == null || toolCalls.isNull()) {
            return null;
        }
        if (!toolCalls.isArray()) {
            throw OllamaReply.badResponse("tool calls that are not a list");
        }
        return toolCalls;
    }

    ObjectNode toOpenAi(JsonNode ollamaCall, int index) {
        JsonNode function = ollamaCall.path("function");
        if (!function.isObject() || !function.path("name").isTextual()) {
            throw OllamaReply.badResponse("a tool call without a function name");
        }
        ObjectNode call = mapper.createObjectNode();
        call.put("id", "call_" + responseId + "_" + index);
        call.put("type", "function");
        ObjectNode openAiFunction = call.putObject("function");
        openAiFunction.put("name", function.get("name").textValue());
        openAiFunction.put("arguments", encodedArguments(function.get("arguments")));
        return call;
    }

    // OpenAI clients expect arguments as a JSON-encoded string.
    private String encodedArguments(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "{}";
        }
        if (arguments.isTextual()) {
            return arguments.textValue();
        }
        try {
            return mapper.writeValueAsString(arguments);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
