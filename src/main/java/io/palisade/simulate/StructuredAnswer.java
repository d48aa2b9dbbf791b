package io.palisade.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;

/**
 * Builds JSON answers for structured-output requests: {@code {"answer": prose}} for plain JSON
 * mode, or a value that follows the given JSON schema (enums, types, nested objects and arrays),
 * with the prose in the first string field so the answer still shows which prompt it answers.
 * Stateless and thread-safe.
 */
final class StructuredAnswer {
    private static final int MAX_DEPTH = 4;
    private static final List<String> WORDS = List.of("alpha", "bravo", "delta", "echo", "kilo", "lima", "sierra");

    private final JsonReplies replies;

    StructuredAnswer(JsonReplies replies) {
        this.replies = replies;
    }

    /** The answer as compact JSON text. */
    String render(OutputFormat format, String prose, Random random) {
        if (format.kind() == OutputFormat.Kind.JSON_OBJECT) {
            return replies.serialize(JsonNodeFactory.instance.objectNode().put("answer", prose));
        }
        return replies.serialize(new Filler(prose, random).value(format.schema(), 0));
    }

    /** Walks one schema; remembers whether the prose was used yet. Confined to one call. */
    private static final class Filler {
        private final String prose;
        private final Random random;
        private boolean proseUsed;

        Filler(String prose, Random random) {
            this.prose = prose;
            this.random = random;
        }

        JsonNode value(JsonNode schema, int depth) {
            var factory = JsonNodeFactory.instance;
            if (schema.has("const")) {
                return schema.get("const");
            }
            JsonNode enumeration = schema.path("enum");
            if (enumeration.isArray() && !enumeration.isEmpty()) {
                return enumeration.get(random.nextInt(enumeration.size()));
            }
            return switch (type(schema)) {
                case "object" -> object(schema, depth);
                case "array" ->
                    depth >= MAX_DEPTH
                            ? factory.arrayNode()
                            : factory.arrayNode().add(value(schema.path("items"), depth + 1));
                case "integer" -> factory.numberNode(random.nextInt(100));
                case "number" -> factory.numberNode(random.nextInt(1000) / 10.0);
                case "boolean" -> factory.booleanNode(random.nextBoolean());
                case "null" -> factory.nullNode();
                default -> factory.textNode(text());
            };
        }

        private JsonNode object(JsonNode schema, int depth) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            JsonNode properties = schema.path("properties");
            if (!properties.isObject() || properties.isEmpty() || depth >= MAX_DEPTH) {
                return depth == 0 ? object.put("answer", text()) : object;
            }
            properties
                    .properties()
                    .forEach(property -> object.set(property.getKey(), value(property.getValue(), depth + 1)));
            return object;
        }

        private String text() {
            if (!proseUsed) {
                proseUsed = true;
                return prose;
            }
            return WORDS.get(random.nextInt(WORDS.size()));
        }

        /** The schema's type; for a list of types the first that is not "null". */
        private static String type(JsonNode schema) {
            JsonNode type = schema.path("type");
            if (type.isArray()) {
                for (JsonNode candidate : type) {
                    if (!candidate.asText().equals("null")) {
                        return candidate.asText();
                    }
                }
                return "null";
            }
            if (type.isTextual()) {
                return type.asText();
            }
            return schema.has("properties") ? "object" : "string";
        }
    }
}
