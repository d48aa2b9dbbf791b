package io.palisade.eval;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a case's deterministic {@link Check}s against an answer: one {@link CheckResult} per check,
 * in the case's order, each with a detail saying what matched or what failed.
 *
 * <ul>
 *   <li>{@link ExactCheck}: the trimmed answer equals the trimmed value (CRLF read as LF, both
 *       NFC-normalised, optionally ignoring case).</li>
 *   <li>{@link ContainsCheck}: the answer contains the value (NFC, optionally ignoring case).</li>
 *   <li>{@link RegexCheck}: {@code find()} on the NFC-normalised answer, with a bounded step budget so
 *       catastrophic backtracking fails the check instead of hanging.</li>
 *   <li>{@link JsonSchemaCheck}: JSON is taken from the whole answer, else from a <code>```</code>
 *       fence, else from the first <code>{…}</code>/<code>[…]</code> block that parses, and validated
 *       against the JSON Schema (draft 2020-12) of {@link JsonSchemaCheck}; every violation is listed
 *       with its path, e.g. {@code $.age: expected integer, got string}.</li>
 * </ul>
 * A null answer (e.g. the generator failed) fails every check with detail {@code no answer}.
 * {@link #run} never throws for a bad answer: a check that cannot be evaluated fails with the reason.
 *
 * <p>Thread-safe: holds no mutable state; the {@link ObjectMapper} is only used to parse answers
 * (as a JSON reader with trailing content allowed) and must not be reconfigured while in use.
 */
public final class DeterministicChecks {
    private static final Pattern FENCE = Pattern.compile("```[^\\n`]*\\n(.*?)(?:```|\\z)", Pattern.DOTALL);
    /** Candidate {…}/[…] starts tried in one text before giving up. */
    private static final int MAX_BLOCK_ATTEMPTS = 64;

    private static final int SHOWN_ERRORS = 5;

    private final ObjectReader reader;

    /** {@code json}: the mapper used to parse JSON found in answers. */
    public DeterministicChecks(ObjectMapper json) {
        this.reader =
                Objects.requireNonNull(json, "json").reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** One result per check of {@code goldenCase}, in order; empty if the case has no checks. */
    public List<CheckResult> run(GoldenCase goldenCase, String answer) {
        Objects.requireNonNull(goldenCase, "goldenCase");
        List<CheckResult> results = new ArrayList<>(goldenCase.checks().size());
        for (Check check : goldenCase.checks()) {
            results.add(run(check, answer));
        }
        return results;
    }

    private CheckResult run(Check check, String answer) {
        if (answer == null) {
            return new CheckResult(check.type(), false, "no answer");
        }
        try {
            return switch (check) {
                case ExactCheck exact -> exact(exact, answer);
                case ContainsCheck contains -> contains(contains, answer);
                case RegexCheck regex -> regex(regex, answer);
                case JsonSchemaCheck schema -> schema(schema, answer);
            };
        } catch (RuntimeException e) {
            return new CheckResult(check.type(), false, "check could not be evaluated: " + e);
        }
    }

    private static CheckResult exact(ExactCheck check, String answer) {
        String expected = nfc(check.value().replace("\r\n", "\n").strip());
        String actual = nfc(answer.replace("\r\n", "\n").strip());
        boolean passed = check.ignoreCase() ? lower(actual).equals(lower(expected)) : actual.equals(expected);
        String how = check.ignoreCase() ? " (ignoring case)" : "";
        return new CheckResult(
                check.type(),
                passed,
                passed
                        ? "answer equals " + quote(expected) + how
                        : "expected exactly " + quote(expected) + how + ", got " + quote(abbreviate(actual)));
    }

    private static CheckResult contains(ContainsCheck check, String answer) {
        String expected = nfc(check.value());
        String actual = nfc(answer);
        boolean passed = check.ignoreCase() ? lower(actual).contains(lower(expected)) : actual.contains(expected);
        String how = check.ignoreCase() ? " (ignoring case)" : "";
        return new CheckResult(
                check.type(),
                passed,
                passed
                        ? "answer contains " + quote(expected) + how
                        : "answer does not contain " + quote(expected) + how);
    }

    private static CheckResult regex(RegexCheck check, String answer) {
        String text = nfc(answer);
        try {
            Matcher matcher = RegexBudget.matcher(check.compiled(), text);
            if (matcher.find()) {
                return new CheckResult(
                        check.type(),
                        true,
                        "matched " + quote(abbreviate(matcher.group())) + " at offset " + matcher.start() + " for /"
                                + check.pattern() + "/");
            }
            return new CheckResult(check.type(), false, "no match for /" + check.pattern() + "/");
        } catch (RegexBudget.Exhausted e) {
            return new CheckResult(check.type(), false, e.getMessage() + " for /" + check.pattern() + "/");
        } catch (StackOverflowError e) {
            return new CheckResult(
                    check.type(), false, "regex overflowed the stack on this answer for /" + check.pattern() + "/");
        }
    }

    private CheckResult schema(JsonSchemaCheck check, String answer) {
        Found found = findJson(answer);
        if (found == null) {
            return new CheckResult(check.type(), false, "no JSON value found in the answer");
        }
        List<String> errors = JsonSchemaValidation.validate(check.schemaNode(), found.value());
        if (errors.isEmpty()) {
            return new CheckResult(check.type(), true, "JSON from " + found.source() + " is valid against the schema");
        }
        String shown = String.join("; ", errors.subList(0, Math.min(SHOWN_ERRORS, errors.size())));
        String more = errors.size() > SHOWN_ERRORS
                ? "; and "
                        + (errors.size() >= JsonSchemaValidation.MAX_ERRORS
                                ? "more"
                                : (errors.size() - SHOWN_ERRORS) + " more")
                : "";
        return new CheckResult(check.type(), false, "JSON from " + found.source() + ": " + shown + more);
    }

    // ---------------------------------------------------------------- finding JSON in an answer

    /** A JSON value found in an answer and where it was found, for the detail string. */
    record Found(JsonNode value, String source) {}

    /**
     * The JSON of an answer: the whole (trimmed) answer if it is one JSON value; else, per
     * <code>```</code> fence in order, its content if it is JSON or the first {…}/[…] block in it;
     * else the first {…}/[…] block of the whole answer. Null if there is none.
     */
    Found findJson(String answer) {
        String text = answer.strip();
        JsonNode whole = parseWhole(text);
        if (whole != null) {
            return new Found(whole, "the whole answer");
        }
        Matcher fences = FENCE.matcher(text);
        int fence = 0;
        while (fences.find()) {
            fence++;
            String content = fences.group(1).strip();
            JsonNode node = parseWhole(content);
            if (node != null) {
                return new Found(node, fenceName(fence));
            }
            Found block = firstBlock(content, fenceName(fence));
            if (block != null) {
                return block;
            }
        }
        return firstBlock(text, "the answer");
    }

    private static String fenceName(int index) {
        return index == 1 ? "the ``` fence" : "``` fence " + index;
    }

    private JsonNode parseWhole(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try (JsonParser parser = reader.createParser(text)) {
            JsonNode node = reader.readTree(parser);
            if (node == null || node.isMissingNode() || parser.nextToken() != null) {
                return null;
            }
            return node;
        } catch (IOException e) { // JacksonException included: not JSON
            return null;
        }
    }

    private Found firstBlock(String text, String where) {
        int attempts = 0;
        for (int i = 0; i < text.length() && attempts < MAX_BLOCK_ATTEMPTS; i++) {
            char c = text.charAt(i);
            if (c != '{' && c != '[') {
                continue;
            }
            attempts++;
            try (JsonParser parser = reader.createParser(text.substring(i))) {
                JsonNode node = reader.readTree(parser);
                if (node != null && node.isContainerNode()) {
                    return new Found(
                            node, "a " + (c == '{' ? "{...}" : "[...]") + " block at offset " + i + " of " + where);
                }
            } catch (JacksonException e) {
                // not JSON from here; try the next bracket
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- helpers

    private static String nfc(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFC);
    }

    private static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    private static String quote(String text) {
        return "\""
                + text.replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("\n", "\\n")
                        .replace("\r", "\\r") + "\"";
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
