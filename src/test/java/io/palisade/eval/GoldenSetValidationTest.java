package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every validation rule and the exact message it produces, on a one-line JSONL file "t.jsonl". */
class GoldenSetValidationTest {
    private static final String FIELDS = "(allowed: id, category, language, question, key_points, reference, checks)";
    private static final String CASE = "t.jsonl line 1, case \"a\": ";
    private static final String NO_ID = "t.jsonl line 1, case without id: ";

    /** A valid case with {@code extra} JSON members spliced in (they override earlier ones by position). */
    private static String line(String members) {
        return "{" + members + "}";
    }

    private static String valid(String extra) {
        return line("\"id\":\"a\",\"category\":\"c\",\"question\":\"q\",\"key_points\":[\"k\"]"
                + (extra.isEmpty() ? "" : "," + extra));
    }

    private static String withCheck(String check) {
        return valid("\"checks\":[" + check + "]");
    }

    static Stream<Arguments> problems() {
        return Stream.of(
                Arguments.of(
                        line("\"category\":\"c\",\"question\":\"q\",\"key_points\":[\"k\"]"), NO_ID + "id is required"),
                Arguments.of(
                        line("\"id\":null,\"category\":\"c\",\"question\":\"q\",\"key_points\":[\"k\"]"),
                        NO_ID + "id is required"),
                Arguments.of(
                        line("\"id\":\"  \",\"category\":\"c\",\"question\":\"q\",\"key_points\":[\"k\"]"),
                        NO_ID + "id must not be blank"),
                Arguments.of(
                        line("\"id\":3,\"category\":\"c\",\"question\":\"q\",\"key_points\":[\"k\"]"),
                        NO_ID + "id: expected a string, got integer 3 (put it in quotes)"),
                Arguments.of(
                        line("\"id\":\"a\",\"question\":\"q\",\"key_points\":[\"k\"]"), CASE + "category is required"),
                Arguments.of(
                        line("\"id\":\"a\",\"category\":\"\",\"question\":\"q\",\"key_points\":[\"k\"]"),
                        CASE + "category must not be blank"),
                Arguments.of(
                        line("\"id\":\"a\",\"category\":[\"c\"],\"question\":\"q\",\"key_points\":[\"k\"]"),
                        CASE + "category: expected a string, got array"),
                Arguments.of(
                        line("\"id\":\"a\",\"category\":\"c\",\"key_points\":[\"k\"]"), CASE + "question is required"),
                Arguments.of(
                        line("\"id\":\"a\",\"category\":\"c\",\"question\":\"\\n\\t \",\"key_points\":[\"k\"]"),
                        CASE + "question must not be blank"),
                Arguments.of(
                        line("\"id\":\"a\",\"category\":\"c\",\"question\":\"q\""),
                        CASE + "key_points is required (a non-empty list of what a correct answer must contain)"),
                Arguments.of(
                        line("\"id\":\"a\",\"category\":\"c\",\"question\":\"q\",\"key_points\":[]"),
                        CASE + "key_points must not be empty"),
                Arguments.of(
                        line("\"id\":\"a\",\"category\":\"c\",\"question\":\"q\",\"key_points\":\"k\""),
                        CASE
                                + "key_points: expected a list of strings, got string (write [\"...\"] for a single key point)"),
                Arguments.of(
                        line("\"id\":\"a\",\"category\":\"c\",\"question\":\"q\",\"key_points\":[\"k\",\" \"]"),
                        CASE + "key_points[1] must not be blank"),
                Arguments.of(
                        line("\"id\":\"a\",\"category\":\"c\",\"question\":\"q\",\"key_points\":[391]"),
                        CASE + "key_points[0]: expected a string, got integer 391 (put it in quotes)"),
                Arguments.of(
                        valid("\"language\":\"English\""),
                        CASE + "language: \"English\" is not a language tag (expected e.g. en, de, ja, pt-BR)"),
                Arguments.of(valid("\"language\":\"\""), CASE + "language must not be blank (omit it for en)"),
                Arguments.of(
                        valid("\"language\":true"),
                        CASE + "language: expected a string, got boolean true (put it in quotes)"),
                Arguments.of(
                        valid("\"reference\":\" \""), CASE + "reference must not be blank (omit it if there is none)"),
                Arguments.of(
                        valid("\"reference\":391"),
                        CASE + "reference: expected a string, got integer 391 (put it in quotes)"),
                Arguments.of(valid("\"anwser\":\"x\""), CASE + "unknown field \"anwser\" " + FIELDS),
                Arguments.of(
                        valid("\"keypoint\":[\"x\"]"),
                        CASE + "unknown field \"keypoint\"; did you mean \"key_points\"? " + FIELDS),
                Arguments.of(
                        valid("\"Category\":\"x\""),
                        CASE + "unknown field \"Category\"; did you mean \"category\"? " + FIELDS),
                Arguments.of(
                        valid("\"checks\":{\"type\":\"contains\"}"),
                        CASE + "checks: expected a list of check objects, got object"),
                Arguments.of(
                        withCheck("\"391\""),
                        CASE
                                + "checks[0]: expected a check object such as {\"type\": \"contains\", \"value\": \"...\"}, got string"),
                Arguments.of(
                        withCheck("{\"value\":\"391\"}"),
                        CASE + "checks[0].type is required (one of exact, contains, regex, json_schema)"),
                Arguments.of(
                        withCheck("{\"type\":1}"),
                        CASE + "checks[0].type: expected a string, got integer 1 (put it in quotes)"),
                Arguments.of(
                        withCheck("{\"type\":\"regexp\",\"pattern\":\"x\"}"),
                        CASE
                                + "checks[0]: unknown check type \"regexp\"; did you mean \"regex\"? (expected one of exact, contains, regex, json_schema)"),
                Arguments.of(
                        withCheck("{\"type\":\"similarity\",\"value\":\"x\"}"),
                        CASE
                                + "checks[0]: unknown check type \"similarity\" (expected one of exact, contains, regex, json_schema)"),
                Arguments.of(
                        withCheck("{\"type\":\"contains\",\"value\":\"x\",\"ignorecase\":true}"),
                        CASE
                                + "checks[0]: unknown field \"ignorecase\" for a contains check; did you mean \"ignore_case\"? (allowed: type, value, ignore_case)"),
                Arguments.of(
                        withCheck("{\"type\":\"regex\",\"pattern\":\"x\",\"ignore_case\":true}"),
                        CASE + "checks[0]: unknown field \"ignore_case\" for a regex check (allowed: type, pattern)"),
                Arguments.of(withCheck("{\"type\":\"exact\"}"), CASE + "checks[0].value is required"),
                Arguments.of(
                        withCheck("{\"type\":\"contains\",\"value\":391}"),
                        CASE + "checks[0].value: expected a string, got integer 391 (put it in quotes)"),
                Arguments.of(
                        withCheck("{\"type\":\"exact\",\"value\":\"  \"}"), CASE + "checks[0].value must not be blank"),
                Arguments.of(
                        withCheck("{\"type\":\"contains\",\"value\":\"\"}"),
                        CASE + "checks[0].value must not be empty"),
                Arguments.of(
                        withCheck("{\"type\":\"contains\",\"value\":\"x\",\"ignore_case\":\"yes\"}"),
                        CASE + "checks[0].ignore_case: expected true or false, got string"),
                Arguments.of(withCheck("{\"type\":\"regex\"}"), CASE + "checks[0].pattern is required"),
                Arguments.of(
                        withCheck("{\"type\":\"regex\",\"pattern\":\"\"}"),
                        CASE + "checks[0].pattern must not be empty"),
                Arguments.of(
                        withCheck("{\"type\":\"regex\",\"pattern\":\"(abc\"}"),
                        CASE + "checks[0].pattern does not compile: Unclosed group near index 4 of (abc"),
                Arguments.of(withCheck("{\"type\":\"json_schema\"}"), CASE + "checks[0].schema is required"),
                Arguments.of(
                        withCheck("{\"type\":\"json_schema\",\"schema\":\"object\"}"),
                        CASE + "checks[0].schema: expected a JSON Schema (an object or a boolean), got string"),
                Arguments.of(
                        withCheck(
                                "{\"type\":\"json_schema\",\"schema\":{\"type\":\"object\",\"properties\":{\"age\":{\"minimum\":\"1\"}}}}"),
                        CASE + "checks[0].schema.properties.age.minimum: string found, number expected"),
                Arguments.of(
                        withCheck("{\"type\":\"json_schema\",\"schema\":{\"oneOf\":[]}}"),
                        CASE + "checks[0].schema.oneOf: must have at least 1 items but found 0"),
                Arguments.of(
                        withCheck("{\"type\":\"json_schema\",\"schema\":{\"items\":{\"pattern\":\"[\"}}}"),
                        CASE
                                + "checks[0].schema.items.pattern: does not match the regex pattern must be a valid ECMA-262 regular expression"),
                Arguments.of(
                        withCheck(
                                "{\"type\":\"json_schema\",\"schema\":{\"$ref\":\"https://example.com/person.json\"}}"),
                        CASE + "checks[0].schema: does not load: cannot load https://example.com/person.json"
                                + " (nothing is fetched: put the definition in $defs)"),
                Arguments.of("[1,2]", "t.jsonl line 1: expected a case object, got array"),
                Arguments.of("\"just a string\"", "t.jsonl line 1: expected a case object, got string"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("problems")
    void rejectsWithAPreciseMessage(String jsonl, String message) {
        assertThatThrownBy(() -> GoldenSet.parse(jsonl, "t.jsonl", GoldenSet.Format.JSONL))
                .isInstanceOf(GoldenSetException.class)
                .hasMessage(message);
    }

    static Stream<Arguments> syntaxErrors() {
        return Stream.of(
                Arguments.of("{\"id\":\"a\",", "t.jsonl line 1: not valid JSON: "),
                Arguments.of(valid("") + " {\"id\":\"b\"}", "t.jsonl line 1: not valid JSON: "),
                Arguments.of(
                        line("\"id\":\"a\",\"id\":\"b\",\"category\":\"c\",\"question\":\"q\",\"key_points\":[\"k\"]"),
                        "t.jsonl line 1: not valid JSON: Duplicate field 'id'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("syntaxErrors")
    void syntaxErrorsNameTheLine(String jsonl, String messageStart) {
        assertThatThrownBy(() -> GoldenSet.parse(jsonl, "t.jsonl", GoldenSet.Format.JSONL))
                .isInstanceOf(GoldenSetException.class)
                .hasMessageStartingWith(messageStart)
                .hasMessageEndingWith("; each case must be one JSON object on a single line");
    }

    @Test
    void aPrettyPrintedCaseIsReportedPerLine() {
        assertThatThrownBy(() -> GoldenSet.parse("{\n\"id\":\"a\"}\n", "t.jsonl", GoldenSet.Format.JSONL))
                .isInstanceOfSatisfying(
                        GoldenSetException.class,
                        e -> assertThat(e.problems())
                                .hasSize(2)
                                .allSatisfy(p ->
                                        assertThat(p).endsWith("; each case must be one JSON object on a single line"))
                                .satisfies(
                                        p -> assertThat(p.get(0)).startsWith("t.jsonl line 1: not valid JSON: "),
                                        p -> assertThat(p.get(1)).startsWith("t.jsonl line 2: not valid JSON: ")));
    }

    @ParameterizedTest(name = "[{index}]")
    @ValueSource(strings = {"", "\n\n", "// only a comment\n"})
    void rejectsASetWithoutCases(String jsonl) {
        assertThatThrownBy(() -> GoldenSet.parse(jsonl, "t.jsonl", GoldenSet.Format.JSONL))
                .isInstanceOf(GoldenSetException.class)
                .hasMessage("t.jsonl: no cases (a golden set needs at least one)");
    }

    @Test
    void acceptsLanguageTagsAndNullOptionals() {
        GoldenSet set = GoldenSet.parse(
                valid("\"language\":\"pt-BR\",\"reference\":null,\"checks\":null"), "t", GoldenSet.Format.JSONL);
        assertThat(set.cases().get(0).language()).isEqualTo("pt-BR");
        assertThat(set.cases().get(0).reference()).isNull();
        assertThat(set.cases().get(0).checks()).isEmpty();
    }
}
