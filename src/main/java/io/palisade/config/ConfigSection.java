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
 *
 * <p>A wrong value does not stop the load: it is recorded in the load's {@link ConfigProblems} (with
 * where it was written, or which environment variable gave it) and the accessor returns the fallback,
 * so one {@code config check} lists every mistake. The loader throws once at the end if any was found.
 */
final class ConfigSection {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final JsonNode node;
    private final String path;
    private final Map<String, String> environment;
    private final boolean overridable;
    private final ConfigProblems problems;

    /** The top-level section of a document; environment overrides apply to its scalar keys. */
    ConfigSection(JsonNode root, Map<String, String> environment, ConfigProblems problems) {
        this(root, "", environment, true, problems);
    }

    private ConfigSection(
            JsonNode node, String path, Map<String, String> environment, boolean overridable, ConfigProblems problems) {
        this.path = path;
        this.environment = environment;
        this.overridable = overridable;
        this.problems = problems;
        boolean mapping = node == null || node.isMissingNode() || node.isNull() || node.isObject();
        if (!mapping) {
            problems.inFile(path, "expected a mapping of keys");
        }
        this.node = mapping && node != null ? node : MissingNode.getInstance();
    }

    void rejectUnknownKeys(Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.inFile(
                        childPath(name),
                        "unknown key (known keys: "
                                + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** Records a problem with {@code key}'s value (placed in the file or the environment) and carries on. */
    void report(String key, String message) {
        place(key, message);
    }

    /** Records a problem with {@code key}'s value and returns it as an exception, for a check that cannot carry on. */
    ConfigException invalid(String key, String message) {
        return new ConfigException(place(key, message));
    }

    /** Records a problem already phrased in full (a check that threw), so the load can go on and list the rest. */
    void keep(ConfigException e) {
        problems.add(e);
    }

    ConfigSection section(String key) {
        return new ConfigSection(node.get(key), childPath(key), environment, overridable, problems);
    }

    List<ConfigSection> list(String key) {
        JsonNode value = node.get(key);
        List<ConfigSection> sections = new ArrayList<>();
        if (value == null || value.isNull()) {
            return sections;
        }
        if (!value.isArray()) {
            report(key, "expected a list");
            return sections;
        }
        for (int i = 0; i < value.size(); i++) {
            sections.add(new ConfigSection(value.get(i), childPath(key) + "[" + i + "]", environment, false, problems));
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
            report(key, "expected a list of names");
            return strings;
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual() || value.get(i).asText().isBlank()) {
                problems.inFile(childPath(key) + "[" + i + "]", "expected a name");
            } else {
                strings.add(value.get(i).asText());
            }
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
            report(key, "is required");
            return "";
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
            report(key, "expected a whole number, got '" + value + "'");
            return fallback;
        }
        if (parsed < min || parsed > max) {
            report(key, "must be between " + min + " and " + max + ", got " + parsed);
            return fallback;
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
            report(key, "expected a number of at least 0, got '" + value + "'");
            return fallback;
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
            default -> {
                report(key, "expected true or false, got '" + value + "'");
                yield fallback;
            }
        };
    }

    Duration duration(String key, Duration fallback) {
        String value = raw(key);
        if (value == null) {
            return fallback;
        }
        Matcher matcher = DURATION.matcher(value.trim());
        if (!matcher.matches()) {
            report(key, "expected a duration such as 5s, 250ms, 2m, 1h or 400d, got '" + value + "'");
            return fallback;
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "d" -> Duration.ofDays(amount);
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
        List<String> allowed = java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .toList();
        report(key, "expected one of " + allowed + ", got '" + value + "'");
        return fallback;
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
                report(key, "refers to environment variable " + name + ", which is not set");
                return Secret.empty();
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

    /** Records the problem where the value came from: the environment override when there is one, else the file. */
    private String place(String key, String message) {
        String variable = environmentName(childPath(key));
        if (overridable && environment.containsKey(variable)) {
            return problems.inEnvironment(variable, childPath(key), message);
        }
        return problems.inFile(childPath(key), message);
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
            report(key, "expected a single value, got a " + (value.isArray() ? "list" : "mapping"));
            return null;
        }
        return value.asText();
    }
}
