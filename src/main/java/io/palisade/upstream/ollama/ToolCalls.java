package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Ollama tool calls (arguments as objects) → OpenAI tool calls (arguments as JSON strings). */
final class ToolCalls {
    private ToolCalls() {}

    /** {@code withIndex}: stream deltas carry each call's position. Ids are deterministic per answer. */
    static ArrayNode toOpenAi(ObjectMapper json, JsonNode calls, String responseId, boolean withIndex) {
        ArrayNode out = json.createArrayNode();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode function = calls.get(i).path("function");
            ObjectNode call = out.addObject();
            if (withIndex) {
                call.put("index", i);
            }
            call.put("id", "call_" + responseId + "_" + i);
            call.put("type", "function");
            ObjectNode translated = call.putObject("function");
            translated.put("name", function.path("name").asText(""));
            JsonNode arguments = function.path("arguments");
            translated.put("arguments", arguments.isTextual() ? arguments.asText() : arguments.isMissingNode() ? "{}" : arguments.toString());
        }
        return out;
    }
}
