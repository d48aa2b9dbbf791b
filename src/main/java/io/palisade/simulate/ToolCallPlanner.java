package io.palisade.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether the simulated model calls a tool, and with which arguments. The rule is simple
 * and predictable: with tool choice {@code auto} a tool is called when the last user message names
 * it or mentions the weather; {@code required} and a forced function always call; a conversation
 * whose last turn is a tool result gets a text answer. Arguments fill the tool's JSON schema with
 * placeholder values. Stateless and thread-safe.
 */
final class ToolCallPlanner {
    private static final List<String> TRIGGER_WORDS = List.of("weather", "forecast", "temperature");
    private static final Pattern PLACE =
            Pattern.compile("\\b(?:in|at|for)\\s+(\\p{Lu}[\\p{L}'-]*(?:\\s+\\p{Lu}[\\p{L}'-]*)*)");
    private static final Pattern PLACE_LIKE_PROPERTY = Pattern.compile("location|city|place|where|country|region");

    Optional<ToolCall> plan(ToolRequest request, List<ChatMessage> messages, String lastUserText) {
        if (request.tools().isEmpty() || request.choice() == ToolRequest.Choice.NONE) {
            return Optional.empty();
        }
        ToolRequest.Tool chosen = switch (request.choice()) {
            case FORCED ->
                request.tools().stream()
                        .filter(tool -> tool.name().equals(request.forcedName()))
                        .findFirst()
                        .orElse(request.tools().getFirst());
            case REQUIRED ->
                mentioned(request.tools(), lastUserText).orElse(request.tools().getFirst());
            default -> {
                boolean answeringToolResult =
                        !messages.isEmpty() && messages.getLast().role().equals("tool");
                if (answeringToolResult) {
                    yield null;
                }
                yield mentioned(request.tools(), lastUserText)
                        .orElse(triggered(lastUserText) ? request.tools().getFirst() : null);
            }
        };
        if (chosen == null) {
            return Optional.empty();
        }
        String id = "call_"
                + HexFormat.of()
                        .toHexDigits(StableHash.of(chosen.name(), lastUserText))
                        .substring(0, 8);
        return Optional.of(new ToolCall(id, chosen.name(), arguments(chosen.parameters(), lastUserText)));
    }

    private static Optional<ToolRequest.Tool> mentioned(List<ToolRequest.Tool> tools, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return tools.stream()
                .filter(tool -> {
                    String name = tool.name().toLowerCase(Locale.ROOT);
                    return lower.contains(name) || lower.contains(name.replace('_', ' '));
                })
                .findFirst();
    }

    private static boolean triggered(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return TRIGGER_WORDS.stream().anyMatch(lower::contains);
    }

    private static ObjectNode arguments(JsonNode parameters, String lastUserText) {
        var arguments = JsonNodeFactory.instance.objectNode();
        JsonNode properties = parameters.path("properties");
        JsonNode required = parameters.path("required");
        properties.properties().forEach(property -> {
            boolean wanted = !required.isArray()
                    || required.valueStream().anyMatch(name -> name.asText().equals(property.getKey()));
            if (wanted) {
                arguments.set(property.getKey(), placeholder(property.getKey(), property.getValue(), lastUserText));
            }
        });
        return arguments;
    }

    private static JsonNode placeholder(String name, JsonNode schema, String lastUserText) {
        var factory = JsonNodeFactory.instance;
        JsonNode enumeration = schema.path("enum");
        if (enumeration.isArray() && !enumeration.isEmpty()) {
            return enumeration.get(0);
        }
        return switch (schema.path("type").asText("string")) {
            case "integer", "number" -> factory.numberNode(1);
            case "boolean" -> factory.booleanNode(true);
            case "array" -> factory.arrayNode();
            case "object" -> factory.objectNode();
            default -> {
                boolean placeLike = PLACE_LIKE_PROPERTY
                        .matcher(name.toLowerCase(Locale.ROOT))
                        .find();
                yield factory.textNode(placeLike ? place(lastUserText) : "simulated");
            }
        };
    }

    /** "What's the weather in San Francisco?" gives "San Francisco". */
    private static String place(String text) {
        Matcher matcher = PLACE.matcher(text);
        return matcher.find() ? matcher.group(1) : "Paris";
    }
}
