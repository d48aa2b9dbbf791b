package io.palisade.config;

import com.fasterxml.jackson.core.JsonLocation;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every problem found while loading one config, so {@code palisade config check} lists them all at
 * once instead of one per attempt. Each problem says where it is: {@code file:line:column} and the
 * key path for a value written in the file, {@code environment PALISADE_X} for an environment
 * override. Only the first problem of a key path is kept: a value that is both missing and then
 * invalid for a later check is one mistake, not two. Not thread-safe: one load, one thread.
 */
final class ConfigProblems {
    private final String source;
    private final Map<String, JsonLocation> locations;
    private final Map<String, Problem> problems = new LinkedHashMap<>();

    /** One problem; {@code line} orders the list as the file reads (environment and general problems last). */
    private record Problem(int line, int column, String text) {}

    /** {@code source} names the file (or the text) the locations are in. */
    ConfigProblems(String source, Map<String, JsonLocation> locations) {
        this.source = source;
        this.locations = Map.copyOf(locations);
    }

    /** A problem with the value written at {@code path} in the file (or, if absent, its nearest written parent). */
    String inFile(String path, String message) {
        JsonLocation location = locate(path);
        String where = location == null ? source : source + ":" + location.getLineNr() + ":" + location.getColumnNr();
        return record(path, location, where + ": " + (path.isEmpty() ? "(top level)" : path) + ": " + message);
    }

    /** A problem with a value written at an exact place, such as the second of a duplicated key. */
    String at(String path, JsonLocation location, String message) {
        return record(
                path,
                location,
                source + ":" + location.getLineNr() + ":" + location.getColumnNr() + ": " + path + ": " + message);
    }

    /** A problem with the value of environment variable {@code variable}, which overrides {@code path}. */
    String inEnvironment(String variable, String path, String message) {
        return record(path, null, "environment " + variable + " (overrides " + path + "): " + message);
    }

    /** A problem already phrased in full (a check that stops the load, a lock file, ...). */
    void add(ConfigException e) {
        if (problems.values().stream().noneMatch(problem -> problem.text().equals(e.getMessage()))) {
            record("\0" + e.getMessage(), null, e.getMessage());
        }
    }

    private String record(String path, JsonLocation location, String text) {
        Problem problem = location == null
                ? new Problem(Integer.MAX_VALUE, 0, text)
                : new Problem(location.getLineNr(), location.getColumnNr(), text);
        Problem first = problems.putIfAbsent(path, problem);
        return (first == null ? problem : first).text();
    }

    /**
     * Throws one {@link ConfigException} listing every problem in file order (then environment overrides and
     * checks without a place, in the order found); does nothing when there are none.
     */
    void throwIfAny() {
        List<String> texts = problems.values().stream()
                .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
                .map(Problem::text)
                .toList();
        if (texts.size() == 1) {
            throw new ConfigException(texts.get(0));
        }
        if (!texts.isEmpty()) {
            throw new ConfigException(
                    texts.size() + " problems in the configuration:\n  " + String.join("\n  ", texts));
        }
    }

    /** Where the key, or its nearest ancestor written in the file, is; null when none is (an absent section). */
    private JsonLocation locate(String path) {
        for (String candidate = path; !candidate.isEmpty(); candidate = parent(candidate)) {
            JsonLocation location = locations.get(candidate);
            if (location != null) {
                return location;
            }
        }
        return null;
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
