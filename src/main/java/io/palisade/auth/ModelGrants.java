package io.palisade.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The models a key may call: exact names and simple patterns where {@code *} matches any run of
 * characters ("llama3*", "qwen3:*", "*"). An empty grant allows nothing (deny by default).
 * Immutable and thread-safe.
 */
public final class ModelGrants {
    private static final ModelGrants NONE = new ModelGrants(List.of());

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private ModelGrants(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        List<Pattern> list = new ArrayList<>();
        for (String pattern : this.patterns) {
            list.add(Pattern.compile(toRegex(pattern)));
        }
        this.compiled = List.copyOf(list);
    }

    public static ModelGrants none() {
        return NONE;
    }

    public static ModelGrants of(List<String> patterns) {
        return patterns.isEmpty() ? NONE : new ModelGrants(patterns);
    }

    /** This grant plus {@code other}'s: a key may use what it or its team is granted. */
    public ModelGrants union(ModelGrants other) {
        if (other.patterns.isEmpty()) {
            return this;
        }
        List<String> merged = new ArrayList<>(patterns);
        other.patterns.stream().filter(p -> !merged.contains(p)).forEach(merged::add);
        return new ModelGrants(merged);
    }

    public boolean allows(String model) {
        for (Pattern pattern : compiled) {
            if (pattern.matcher(model).matches()) {
                return true;
            }
        }
        return false;
    }

    public List<String> patterns() {
        return patterns;
    }

    /** Rejects patterns that could never mean what an operator intended. */
    public static String validate(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return "a model pattern must not be empty";
        }
        if (pattern.length() > 200) {
            return "a model pattern must be at most 200 characters";
        }
        return null;
    }

    private static String toRegex(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return regex.toString();
    }
}
