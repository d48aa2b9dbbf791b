package io.palisade.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a tree together with where each key was written, so a config error can
 * say {@code palisade.yaml:7:3}. A plain {@code readTree} keeps no locations and lets a repeated key
 * silently replace the first one (a second {@code server:} dropped the port); here every repeated key,
 * at any depth, is recorded as a duplicate instead.
 *
 * <p>Paths are written as {@link ConfigSection} names keys: {@code backends[0].timeouts.connect}.
 */
record LocatedYaml(JsonNode root, Map<String, JsonLocation> locations, List<Duplicate> duplicates) {
    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

    /** A key written twice in one mapping: where the second one is and the line of the first. */
    record Duplicate(String path, JsonLocation location, int firstLine) {}

    /** Reads {@code text}; a blank text is an empty document (root null). Throws on YAML syntax errors. */
    static LocatedYaml read(String text) throws IOException {
        Map<String, JsonLocation> locations = new HashMap<>();
        List<Duplicate> duplicates = new ArrayList<>();
        if (text.isBlank()) {
            return new LocatedYaml(null, locations, duplicates);
        }
        try (JsonParser parser = MAPPER.createParser(text)) {
            if (parser.nextToken() == null) {
                return new LocatedYaml(null, locations, duplicates);
            }
            JsonNode root = new Reader(parser, locations, duplicates).value("");
            return new LocatedYaml(root, locations, duplicates);
        }
    }

    private record Reader(JsonParser parser, Map<String, JsonLocation> locations, List<Duplicate> duplicates) {
        /** Reads the value at the parser's current token; {@code path} is the key path it sits at. */
        JsonNode value(String path) throws IOException {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.START_OBJECT) {
                ObjectNode object = MAPPER.createObjectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonLocation where = parser.currentTokenLocation();
                    String child = path.isEmpty() ? name : path + "." + name;
                    parser.nextToken();
                    JsonLocation first = locations.get(child);
                    if (object.has(name)) {
                        duplicates.add(new Duplicate(child, where, first == null ? -1 : first.getLineNr()));
                        parser.skipChildren(); // the repeat is an error; its content is not read
                    } else {
                        locations.put(child, where);
                        object.set(name, value(child));
                    }
                }
                return object;
            }
            if (token == JsonToken.START_ARRAY) {
                ArrayNode array = MAPPER.createArrayNode();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    String child = path + "[" + index++ + "]";
                    locations.put(child, parser.currentTokenLocation());
                    array.add(value(child));
                }
                return array;
            }
            return MAPPER.readTree(parser);
        }
    }
}
