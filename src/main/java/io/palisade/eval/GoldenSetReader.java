package io.palisade.eval;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses and validates golden-set text into a {@link GoldenSet}, collecting every problem before
 * failing so an author can fix a file in one pass. Each problem starts with where it is: the
 * source, {@code line N} (JSONL) or {@code cases[i]} (YAML/JSON documents), the case id if it has
 * a usable one, then what is wrong. Not thread-safe (one reader per parse; instances are cheap).
 */
final class GoldenSetReader {
    static final List<String> CASE_FIELDS =
            List.of("id", "category", "language", "question", "key_points", "reference", "checks");
    static final List<String> CHECK_TYPES =
            List.of(ExactCheck.TYPE, ContainsCheck.TYPE, RegexCheck.TYPE, JsonSchemaCheck.TYPE);
    private static final Pattern LANGUAGE_TAG = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*");

    private final ObjectMapper json = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final ObjectMapper yaml = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * A case node and where it came from ("golden.jsonl" + "line 3", or "golden.yaml" + "cases[2]"),
     * or, with a null node, a line that is not JSON, so its problem is reported in file order.
     */
    private record Entry(String source, String where, JsonNode node, String syntaxError) {
        Entry(String source, String where, JsonNode node) {
            this(source, where, node, null);
        }

        String location() {
            return source + " " + where;
        }
    }

    GoldenSet read(String text, String name, String source, GoldenSet.Format format) {
        String content = stripBom(text);
        List<String> problems = new ArrayList<>();
        List<Entry> entries = switch (format) {
            case JSONL -> lines(content, source);
            case YAML -> yamlDocument(content, source, problems);
        };
        return build(entries, problems, name, source);
    }

    /** A .json file: a JSON array of cases, an object with a cases array, a single case, or JSON Lines. */
    GoldenSet readJson(String text, String name, String source) {
        String content = stripBom(text);
        List<String> problems = new ArrayList<>();
        List<Entry> entries;
        if (content.isBlank()) {
            entries = List.of();
        } else {
            JsonNode whole = null;
            JacksonException error = null;
            try {
                whole = json.readTree(content);
            } catch (JacksonException e) {
                error = e;
            }
            if (whole != null && whole.isObject() && !whole.has("cases")) {
                entries = List.of(new Entry(source, "line " + firstContentLine(content), whole));
            } else if (whole != null) {
                entries = document(whole, source, problems);
            } else if (content.strip().startsWith("[") || !firstContentLineIsJson(content)) {
                throw new GoldenSetException(syntaxError(source, "JSON", error));
            } else {
                entries = lines(content, source);
            }
        }
        return build(entries, problems, name, source);
    }

    // ---------------------------------------------------------------- sources

    private List<Entry> lines(String text, String source) {
        List<Entry> entries = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("//")) {
                continue;
            }
            String where = "line " + (i + 1);
            try {
                entries.add(new Entry(source, where, json.readTree(line)));
            } catch (JacksonException e) {
                JsonLocation at = e.getLocation();
                entries.add(new Entry(
                        source,
                        where,
                        null,
                        source + " " + where + ": not valid JSON: " + e.getOriginalMessage()
                                + (at == null || at.getColumnNr() < 1 ? "" : " (column " + at.getColumnNr() + ")")
                                + "; each case must be one JSON object on a single line"));
            }
        }
        return entries;
    }

    private List<Entry> yamlDocument(String text, String source, List<String> problems) {
        JsonNode root;
        try {
            root = text.isBlank() ? null : yaml.readTree(text);
        } catch (JacksonException e) {
            throw new GoldenSetException(syntaxError(source, "YAML", e));
        }
        return document(root, source, problems);
    }

    private static List<Entry> document(JsonNode root, String source, List<String> problems) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return List.of();
        }
        JsonNode cases = root;
        if (root.isObject()) {
            if (!root.has("cases") && (root.has("id") || root.has("question"))) {
                problems.add(
                        source + ": expected a list of cases (each starting with \"- \" in YAML) or a mapping with a"
                                + " cases list; this looks like a single case");
                return List.of();
            }
            for (Map.Entry<String, JsonNode> field : root.properties()) {
                if (!field.getKey().equals("cases")) {
                    problems.add(source + ": unknown top-level field \"" + field.getKey() + "\""
                            + didYouMean(field.getKey(), List.of("cases")) + " (allowed: cases)");
                }
            }
            cases = root.get("cases");
            if (cases == null) {
                problems.add(source + ": expected a list of cases or a mapping with a cases list; cases is missing");
                return List.of();
            }
            if (!cases.isArray()) {
                problems.add(source + " cases: expected a list of cases, got " + JsonKind.of(cases));
                return List.of();
            }
        } else if (!root.isArray()) {
            problems.add(
                    source + ": expected a list of cases or a mapping with a cases list, got " + JsonKind.of(root));
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            entries.add(new Entry(source, "cases[" + i + "]", cases.get(i)));
        }
        return entries;
    }

    // ---------------------------------------------------------------- validation

    private static GoldenSet build(List<Entry> entries, List<String> problems, String name, String source) {
        List<GoldenCase> cases = new ArrayList<>();
        Map<String, String> firstSeen = new HashMap<>();
        for (Entry entry : entries) {
            if (entry.syntaxError() != null) {
                problems.add(entry.syntaxError());
                continue;
            }
            int before = problems.size();
            String id = usableId(entry.node());
            GoldenCase goldenCase = parseCase(entry, id, problems);
            if (id != null) {
                String previous = firstSeen.putIfAbsent(id, entry.where());
                if (previous != null) {
                    problems.add(
                            entry.location() + ", case \"" + id + "\": duplicate id (first used at " + previous + ")");
                }
            }
            if (goldenCase != null && problems.size() == before) {
                cases.add(goldenCase);
            }
        }
        if (problems.isEmpty() && cases.isEmpty()) {
            problems.add(source + ": no cases (a golden set needs at least one)");
        }
        if (!problems.isEmpty()) {
            throw new GoldenSetException(source, problems);
        }
        return new GoldenSet(name, GoldenSetHash.of(cases), cases);
    }

    private static String usableId(JsonNode node) {
        JsonNode id = node.isObject() ? node.get("id") : null;
        return id != null && id.isTextual() && !id.textValue().isBlank() ? id.textValue() : null;
    }

    /** Problems of one case, each prefixed with the case's location and id. */
    private record Problems(String prefix, List<String> all) {
        void add(String problem) {
            all.add(prefix + problem);
        }
    }

    private static GoldenCase parseCase(Entry entry, String id, List<String> all) {
        JsonNode node = entry.node();
        if (!node.isObject()) {
            all.add(entry.location() + ": expected a case object, got " + JsonKind.of(node));
            return null;
        }
        Problems problems =
                new Problems(entry.location() + (id == null ? ", case without id: " : ", case \"" + id + "\": "), all);
        int before = all.size();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!CASE_FIELDS.contains(field.getKey())) {
                problems.add("unknown field \"" + field.getKey() + "\"" + didYouMean(field.getKey(), CASE_FIELDS)
                        + " (allowed: " + String.join(", ", CASE_FIELDS) + ")");
            }
        }
        requiredText(node, "id", problems);
        String category = requiredText(node, "category", problems);
        String language = language(node.get("language"), problems);
        String question = requiredText(node, "question", problems);
        List<String> keyPoints = keyPoints(node.get("key_points"), problems);
        String reference = reference(node.get("reference"), problems);
        List<Check> checks = checks(node.get("checks"), problems);
        if (all.size() > before) {
            return null;
        }
        return new GoldenCase(id, category, language, question, keyPoints, reference, checks);
    }

    private static String requiredText(JsonNode node, String field, Problems problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            problems.add(field + " is required");
            return null;
        }
        return nonBlankText(value, field, problems);
    }

    private static String nonBlankText(JsonNode value, String path, Problems problems) {
        if (!value.isTextual()) {
            problems.add(path + ": expected a string, got " + describe(value));
            return null;
        }
        if (value.textValue().isBlank()) {
            problems.add(path + " must not be blank");
            return null;
        }
        return value.textValue();
    }

    private static String language(JsonNode value, Problems problems) {
        if (value == null || value.isNull()) {
            return "en";
        }
        if (!value.isTextual()) {
            problems.add("language: expected a string, got " + describe(value));
            return null;
        }
        if (value.textValue().isBlank()) {
            problems.add("language must not be blank (omit it for en)");
            return null;
        }
        if (!LANGUAGE_TAG.matcher(value.textValue()).matches()) {
            problems.add(
                    "language: \"" + value.textValue() + "\" is not a language tag (expected e.g. en, de, ja, pt-BR)");
            return null;
        }
        return value.textValue();
    }

    private static List<String> keyPoints(JsonNode value, Problems problems) {
        if (value == null || value.isNull()) {
            problems.add("key_points is required (a non-empty list of what a correct answer must contain)");
            return null;
        }
        if (!value.isArray()) {
            problems.add("key_points: expected a list of strings, got " + JsonKind.of(value)
                    + (value.isTextual() ? " (write [\"...\"] for a single key point)" : ""));
            return null;
        }
        if (value.isEmpty()) {
            problems.add("key_points must not be empty");
            return null;
        }
        List<String> keyPoints = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            keyPoints.add(nonBlankText(value.get(i), "key_points[" + i + "]", problems));
        }
        return keyPoints;
    }

    private static String reference(JsonNode value, Problems problems) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add("reference: expected a string, got " + describe(value));
            return null;
        }
        if (value.textValue().isBlank()) {
            problems.add("reference must not be blank (omit it if there is none)");
            return null;
        }
        return value.textValue();
    }

    private static List<Check> checks(JsonNode value, Problems problems) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            problems.add("checks: expected a list of check objects, got " + JsonKind.of(value));
            return List.of();
        }
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            Check check = check(value.get(i), "checks[" + i + "]", problems);
            if (check != null) {
                checks.add(check);
            }
        }
        return checks;
    }

    private static Check check(JsonNode node, String at, Problems problems) {
        if (!node.isObject()) {
            problems.add(at + ": expected a check object such as {\"type\": \"contains\", \"value\": \"...\"}, got "
                    + JsonKind.of(node));
            return null;
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || typeNode.isNull()) {
            problems.add(at + ".type is required (one of " + String.join(", ", CHECK_TYPES) + ")");
            return null;
        }
        if (!typeNode.isTextual()) {
            problems.add(at + ".type: expected a string, got " + describe(typeNode));
            return null;
        }
        String type = typeNode.textValue();
        if (!CHECK_TYPES.contains(type)) {
            problems.add(at + ": unknown check type \"" + type + "\"" + didYouMean(type, CHECK_TYPES)
                    + " (expected one of " + String.join(", ", CHECK_TYPES) + ")");
            return null;
        }
        List<String> allowed = switch (type) {
            case ExactCheck.TYPE, ContainsCheck.TYPE -> List.of("type", "value", "ignore_case");
            case RegexCheck.TYPE -> List.of("type", "pattern");
            default -> List.of("type", "schema");
        };
        boolean wellFormed = true;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!allowed.contains(field.getKey())) {
                problems.add(at + ": unknown field \"" + field.getKey() + "\" for a " + type + " check"
                        + didYouMean(field.getKey(), allowed) + " (allowed: " + String.join(", ", allowed) + ")");
                wellFormed = false;
            }
        }
        Check check = switch (type) {
            case ExactCheck.TYPE, ContainsCheck.TYPE -> textCheck(node, at, type, problems);
            case RegexCheck.TYPE -> regexCheck(node, at, problems);
            default -> schemaCheck(node, at, problems);
        };
        return wellFormed ? check : null;
    }

    private static Check textCheck(JsonNode node, String at, String type, Problems problems) {
        JsonNode value = node.get("value");
        boolean ok = true;
        if (value == null || value.isNull()) {
            problems.add(at + ".value is required");
            ok = false;
        } else if (!value.isTextual()) {
            problems.add(at + ".value: expected a string, got " + describe(value));
            ok = false;
        } else if (type.equals(ExactCheck.TYPE) && value.textValue().isBlank()) {
            problems.add(at + ".value must not be blank");
            ok = false;
        } else if (value.textValue().isEmpty()) {
            problems.add(at + ".value must not be empty");
            ok = false;
        }
        JsonNode ignoreCase = node.get("ignore_case");
        if (ignoreCase != null && !ignoreCase.isNull() && !ignoreCase.isBoolean()) {
            problems.add(at + ".ignore_case: expected true or false, got " + describe(ignoreCase));
            ok = false;
        }
        if (!ok) {
            return null;
        }
        boolean ignore = ignoreCase != null && ignoreCase.booleanValue();
        return type.equals(ExactCheck.TYPE)
                ? new ExactCheck(value.textValue(), ignore)
                : new ContainsCheck(value.textValue(), ignore);
    }

    private static Check regexCheck(JsonNode node, String at, Problems problems) {
        JsonNode pattern = node.get("pattern");
        if (pattern == null || pattern.isNull()) {
            problems.add(at + ".pattern is required");
            return null;
        }
        if (!pattern.isTextual()) {
            problems.add(at + ".pattern: expected a string, got " + describe(pattern));
            return null;
        }
        if (pattern.textValue().isEmpty()) {
            problems.add(at + ".pattern must not be empty");
            return null;
        }
        try {
            return new RegexCheck(pattern.textValue());
        } catch (PatternSyntaxException e) {
            problems.add(at + ".pattern does not compile: " + e.getDescription() + " near index " + e.getIndex()
                    + " of " + pattern.textValue());
            return null;
        }
    }

    private static Check schemaCheck(JsonNode node, String at, Problems problems) {
        JsonNode schema = node.get("schema");
        if (schema == null || schema.isNull()) {
            problems.add(at + ".schema is required");
            return null;
        }
        List<String> schemaProblems = JsonSchemaValidation.problems(schema);
        if (!schemaProblems.isEmpty()) {
            schemaProblems.forEach(problem -> problems.add(at + "." + problem));
            return null;
        }
        return new JsonSchemaCheck(schema);
    }

    // ---------------------------------------------------------------- helpers

    private static String describe(JsonNode value) {
        String kind = JsonKind.of(value);
        if (value.isNumber() || value.isBoolean()) {
            return kind + " " + value + " (put it in quotes)";
        }
        return kind;
    }

    /** "; did you mean "key_points"?" when {@code unknown} is a near miss of one of the options, else "". */
    static String didYouMean(String unknown, Collection<String> options) {
        String normalised = normalise(unknown);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String option : options) {
            int distance =
                    normalise(option).equals(normalised) ? 0 : distance(unknown.toLowerCase(Locale.ROOT), option);
            if (distance < bestDistance) {
                best = option;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= Math.min(2, unknown.length() / 3)
                ? "; did you mean \"" + best + "\"?"
                : "";
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "").replace(" ", "");
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String syntaxError(String source, String language, JacksonException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : " line " + at.getLineNr();
        return source + where + ": not valid " + language + ": " + e.getOriginalMessage();
    }

    private static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static int firstContentLine(String text) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank() && !lines.get(i).strip().startsWith("//")) {
                return i + 1;
            }
        }
        return 1;
    }

    private boolean firstContentLineIsJson(String text) {
        String line = text.lines().toList().get(firstContentLine(text) - 1);
        try {
            return json.readTree(line).isObject();
        } catch (JacksonException e) {
            return false;
        }
    }
}
