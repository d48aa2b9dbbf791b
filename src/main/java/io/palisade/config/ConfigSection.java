package io.palisade.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML mapping read with its key path in hand, so every error names the exact key
 * ("backends[1].timeouts.connect: expected a duration such as 5s or 250ms, got 'soon'").
 * Environment overrides are applied here: a scalar key {@code server.port} is overridden by
 * {@code PALISADE_SERVER_PORT}.
 */
final class ConfigSection {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final JsonNode node;
    private final String path;
    private final Map<String, String> environment;
    private final boolean overridable;

    ConfigSection(JsonNode node, String path, Map<String, String> environment, boolean overridable) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.environment = environment;
        this.overridable = overridable;
        if (!this.node.isMissingNode() && !this.node.isNull() && !this.node.isObject()) {
            throw new ConfigException(describe("") + ": expected a mapping of keys");
        }
    }

    void rejectUnknownKeys(Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ConfigException(describe(name) + ": unknown key (known keys: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    ConfigSection section(String key) {
        return new ConfigSection(node.get(key), childPath(key), environment, overridable);
    }

    List<ConfigSection> list(String key) {
        JsonNode value = node.get(key);
        List<ConfigSection> sections = new ArrayList<>();
        if (value == null || value.isNull()) {
            return sections;
        }
        if (!value.isArray()) {
            throw new ConfigException(describe(key) + ": expected a list");
        }
        for (int i = 0; i < value.size(); i++) {
            sections.add(new ConfigSection(value.get(i), childPath(key) + "[" + i + "]", environment, false));
        }
        return sections;
    }

    /** A list of plain strings ({@code [a, b]}); empty when absent. */
    List<String> strings(String key) {
        JsonNode value = node.get(key);
        List<String> strings = new ArrayList<>();
        if (value == null || value.isNull()) {
            return strings;
        }
        if (!value.isArray()) {
            throw new ConfigException(describe(key) + ": expected a list of names");
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual() || value.get(i).asText().isBlank()) {
                throw new ConfigException(describe(key) + "[" + i + "]: expected a name");
            }
            strings.add(value.get(i).asText());
        }
        return strings;
    }

    /** True when {@code key} holds a mapping (as opposed to a single value). */
    boolean isMapping(String key) {
        JsonNode value = node.get(key);
        return value != null && value.isObject();
    }

    boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    String string(String key, String fallback) {
        String value = raw(key);
        return value == null ? fallback : value;
    }

    String requiredString(String key) {
        String value = raw(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException(describe(key) + ": is required");
        }
        return value;
    }

    int integer(String key, int fallback, int min, int max) {
        long value = longValue(key, fallback, min, max);
        return (int) value;
    }

    long longValue(String key, long fallback, long min, long max) {
        String value = raw(key);
        if (value == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(describe(key) + ": expected a whole number, got '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(describe(key) + ": must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    double decimal(String key, double fallback) {
        String value = raw(key);
        if (value == null) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(value.trim());
            if (parsed < 0 || Double.isNaN(parsed) || Double.isInfinite(parsed)) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(describe(key) + ": expected a number of at least 0, got '" + value + "'");
        }
    }

    boolean bool(String key, boolean fallback) {
        String value = raw(key);
        if (value == null) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(describe(key) + ": expected true or false, got '" + value + "'");
        };
    }

    Duration duration(String key, Duration fallback) {
        String value = raw(key);
        if (value == null) {
            return fallback;
        }
        Matcher matcher = DURATION.matcher(value.trim());
        if (!matcher.matches()) {
            throw new ConfigException(describe(key) + ": expected a duration such as 5s, 250ms, 2m or 1h, got '" + value + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    <E extends Enum<E>> E choice(String key, Class<E> type, E fallback) {
        String value = raw(key);
        if (value == null) {
            return fallback;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        throw new ConfigException(describe(key) + ": expected one of " + allowed + ", got '" + value + "'");
    }

    /** A secret: a literal, or {@code env:NAME} resolved from the environment. */
    Secret secret(String key) {
        String value = raw(key);
        if (value == null || value.isEmpty()) {
            return Secret.empty();
        }
        if (value.startsWith("env:")) {
            String name = value.substring(4);
            String resolved = environment.get(name);
            if (resolved == null || resolved.isEmpty()) {
                throw new ConfigException(describe(key) + ": refers to environment variable " + name + ", which is not set");
            }
            return Secret.of(resolved, value);
        }
        return Secret.of(value, "inline");
    }

    String describe(String key) {
        return key.isEmpty() ? (path.isEmpty() ? "(top level)" : path) : childPath(key);
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String environmentName(String keyPath) {
        return "PALISADE_" + keyPath.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private String raw(String key) {
        if (overridable) {
            String override = environment.get(environmentName(childPath(key)));
            if (override != null) {
                return override;
            }
        }
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isContainerNode()) {
            throw new ConfigException(describe(key) + ": expected a single value, got a " + (value.isArray() ? "list" : "mapping"));
        }
        return value.asText();
    }
}
