package io.palisade.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The tools a request offers and whether the model may, must or must not call one.
 *
 * @param tools the offered functions, in request order
 * @param choice how free the model is to call them
 * @param forcedName the function to call when {@code choice} is {@link Choice#FORCED}
 */
record ToolRequest(List<Tool> tools, Choice choice, String forcedName) {
    static final ToolRequest NONE = new ToolRequest(List.of(), Choice.NONE, null);

    enum Choice {
        AUTO,
        NONE,
        REQUIRED,
        FORCED
    }

    /** One offered function: its name and its JSON-schema parameters. */
    record Tool(String name, JsonNode parameters) {}

    ToolRequest {
        tools = List.copyOf(tools);
    }

    /**
     * Reads the {@code tools} array shared by both dialects
     * ({@code [{"type":"function","function":{"name",..,"parameters":{..}}}]}) and OpenAI's
     * {@code tool_choice} (absent for Ollama).
     */
    static ToolRequest parse(JsonNode tools, JsonNode toolChoice) {
        if (tools == null || tools.isNull()) {
            return NONE;
        }
        if (!tools.isArray()) {
            throw ApiError.badRequest("'tools' must be an array", "tools");
        }
        var parsed = new ArrayList<Tool>();
        for (JsonNode tool : tools) {
            JsonNode function = tool.path("function");
            JsonNode name = function.path("name");
            if (!name.isTextual() || name.asText().isEmpty()) {
                throw ApiError.badRequest("every tool needs function.name", "tools");
            }
            JsonNode parameters = function.path("parameters");
            parsed.add(new Tool(
                    name.asText(), parameters.isObject() ? parameters : JsonNodeFactory.instance.objectNode()));
        }
        if (toolChoice == null || toolChoice.isNull()) {
            return new ToolRequest(parsed, Choice.AUTO, null);
        }
        if (toolChoice.isTextual()) {
            return switch (toolChoice.asText()) {
                case "auto" -> new ToolRequest(parsed, Choice.AUTO, null);
                case "none" -> new ToolRequest(parsed, Choice.NONE, null);
                case "required" -> new ToolRequest(parsed, Choice.REQUIRED, null);
                default ->
                    throw ApiError.badRequest(
                            "'tool_choice' must be none, auto, required or a function", "tool_choice");
            };
        }
        JsonNode forced = toolChoice.path("function").path("name");
        if (!forced.isTextual() || parsed.stream().noneMatch(tool -> tool.name().equals(forced.asText()))) {
            throw ApiError.badRequest("'tool_choice' names a function that is not among the tools", "tool_choice");
        }
        return new ToolRequest(parsed, Choice.FORCED, forced.asText());
    }
}
