package io.palisade.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pins {@code palisade models lock} recorded: what every deployment served at that moment.
 * Committed beside the config, it makes a fresh clone demand exactly today's weights. Entries are
 * keyed by public model and deployment id; a pin written in the config itself wins.
 */
public final class LockFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /** One locked deployment. */
    public record Entry(String model, String deployment, String backend, String upstreamModel, Pin pin) {}

    private LockFile() {}

    static String key(String model, String deployment) {
        return model + "\u0000" + deployment;
    }

    /** The pins in {@code file} by model and deployment; empty when the file does not exist. */
    public static Map<String, Pin> read(Path file) {
        Map<String, Pin> pins = new LinkedHashMap<>();
        if (file == null || !Files.isRegularFile(file)) {
            return pins;
        }
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new ConfigException("lock file " + file + " is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("cannot read lock file " + file + ": " + e.getMessage());
        }
        JsonNode entries = root == null ? null : root.get("deployments");
        if (entries == null || !entries.isArray()) {
            throw new ConfigException("lock file " + file + ": expected a list under 'deployments'");
        }
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String where = "lock file " + file + ": deployments[" + i + "]";
            String model = text(entry, "model", where);
            String deployment = text(entry, "deployment", where);
            Pin.Kind kind;
            try {
                kind = Pin.Kind.valueOf(text(entry, "kind", where).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + ".kind: expected ollama_digest, revision or gguf_sha256");
            }
            Path gguf = kind == Pin.Kind.GGUF_SHA256 ? Path.of(text(entry, "file", where)) : null;
            pins.put(key(model, deployment), new Pin(kind, text(entry, "value", where), gguf));
        }
        return pins;
    }

    /** Writes {@code entries} atomically (a reader never sees half a file). */
    public static void write(Path file, List<Entry> entries, Instant at) throws IOException {
        ObjectNode root = YAML.createObjectNode();
        root.put("version", 1);
        root.put("locked_at", at.toString());
        ArrayNode list = root.putArray("deployments");
        for (Entry entry : entries) {
            ObjectNode node = list.addObject();
            node.put("model", entry.model());
            node.put("deployment", entry.deployment());
            node.put("backend", entry.backend());
            node.put("upstream_model", entry.upstreamModel());
            node.put("kind", entry.pin().kind().name().toLowerCase(Locale.ROOT));
            node.put("value", entry.pin().value());
            if (entry.pin().file() != null) {
                node.put("file", entry.pin().file().toString());
            }
        }
        String text = "# Written by `palisade models lock`: the model digests served when it ran.\n"
                + "# Commit it beside the config; Palisade refuses traffic to a deployment that serves anything else.\n"
                + YAML.writeValueAsString(root);
        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String text(JsonNode entry, String field, String where) {
        JsonNode value = entry.get(field);
        if (value == null || !value.isValueNode() || value.asText().isBlank()) {
            throw new ConfigException(where + "." + field + ": is required");
        }
        return value.asText();
    }
}
