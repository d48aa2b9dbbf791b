package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GoldenSetHashTest {
    private static final String BASE = """
            {"id":"a","category":"c","question":"What is 2 + 2?","key_points":["4"],"reference":"4","checks":[{"type":"contains","value":"4"},{"type":"json_schema","schema":{"type":"integer","minimum":4}}]}
            {"id":"b","category":"c","language":"de","question":"Zwei plus zwei?","key_points":["vier"]}
            """;

    private static String hash(String text, GoldenSet.Format format) {
        return GoldenSet.parse(text, "any-name", format).contentHash();
    }

    @Test
    void formattingDoesNotChangeTheHash() {
        String base = hash(BASE, GoldenSet.Format.JSONL);
        String reformatted = """
                // comments, blank lines, spacing, key order and spelled-out defaults are not content

                {  "key_points" : [ "4" ], "checks":[{"value":"4","ignore_case":false,"type":"contains"},{"schema":{"minimum":4.0,"type":"integer"},"type":"json_schema"}],"reference":"4","question":"What is 2 + 2?","language":"en","category":"c","id":"a" }
                {"id":"b","category":"c","language":"de","question":"Zwei plus zwei?","key_points":["vier"],"reference":null,"checks":[]}
                """;
        String yaml = """
                cases:
                  - id: a
                    category: c
                    question: "What is 2 + 2?"
                    key_points: ["4"]
                    reference: "4"
                    checks:
                      - type: contains
                        value: "4"
                      - type: json_schema
                        schema: {type: integer, minimum: 4}
                  - id: b
                    category: c
                    language: de
                    question: Zwei plus zwei?
                    key_points:
                      - vier
                """;
        assertThat(hash(reformatted, GoldenSet.Format.JSONL)).isEqualTo(base);
        assertThat(hash(yaml, GoldenSet.Format.YAML)).isEqualTo(base);
        assertThat(GoldenSet.parse(BASE, "another-name", GoldenSet.Format.JSONL).contentHash())
                .as("name is not content")
                .isEqualTo(base);
    }

    static Stream<Arguments> contentChanges() {
        return Stream.of(
                Arguments.of("id", BASE.replace("\"id\":\"a\"", "\"id\":\"a2\"")),
                Arguments.of(
                        "category",
                        BASE.replace(
                                "\"category\":\"c\",\"question\":\"What", "\"category\":\"d\",\"question\":\"What")),
                Arguments.of("language", BASE.replace("\"language\":\"de\"", "\"language\":\"de-AT\"")),
                Arguments.of("question, one character", BASE.replace("What is 2 + 2?", "What is 2 + 2 ?")),
                Arguments.of("question, case", BASE.replace("What is", "what is")),
                Arguments.of("key point", BASE.replace("[\"vier\"]", "[\"vier (4)\"]")),
                Arguments.of("extra key point", BASE.replace("[\"vier\"]", "[\"vier\",\"auf Deutsch\"]")),
                Arguments.of("reference", BASE.replace("\"reference\":\"4\"", "\"reference\":\"four\"")),
                Arguments.of("reference removed", BASE.replace("\"reference\":\"4\",", "")),
                Arguments.of("check value", BASE.replace("\"value\":\"4\"", "\"value\":\"4.\"")),
                Arguments.of("ignore_case", BASE.replace("\"value\":\"4\"", "\"value\":\"4\",\"ignore_case\":true")),
                Arguments.of("check type", BASE.replace("\"type\":\"contains\"", "\"type\":\"exact\"")),
                Arguments.of("schema", BASE.replace("\"minimum\":4", "\"minimum\":3")),
                Arguments.of("check removed", BASE.replace("{\"type\":\"contains\",\"value\":\"4\"},", "")),
                Arguments.of(
                        "check order",
                        BASE.replace(
                                "{\"type\":\"contains\",\"value\":\"4\"},{\"type\":\"json_schema\",\"schema\":{\"type\":\"integer\",\"minimum\":4}}",
                                "{\"type\":\"json_schema\",\"schema\":{\"type\":\"integer\",\"minimum\":4}},{\"type\":\"contains\",\"value\":\"4\"}")),
                Arguments.of(
                        "case order", BASE.lines().toList().reversed().stream().reduce("", (a, b) -> a + b + "\n")),
                Arguments.of("case removed", BASE.lines().findFirst().orElseThrow()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contentChanges")
    void anyContentChangeChangesTheHash(String change, String changed) {
        assertThat(changed).isNotEqualTo(BASE);
        assertThat(hash(changed, GoldenSet.Format.JSONL)).isNotEqualTo(hash(BASE, GoldenSet.Format.JSONL));
    }

    @Test
    void fieldBoundariesAreUnambiguous() {
        String one = "{\"id\":\"a\",\"category\":\"c\",\"question\":\"q\",\"key_points\":[\"x\",\"y\"]}";
        String two = "{\"id\":\"a\",\"category\":\"c\",\"question\":\"q\",\"key_points\":[\"x\\\",\\\"y\"]}";
        assertThat(hash(one, GoldenSet.Format.JSONL)).isNotEqualTo(hash(two, GoldenSet.Format.JSONL));
    }

    /** Pins the canonical form: if this test has to change, every stored set hash changes with it. */
    @Test
    void canonicalFormIsPinned() throws Exception {
        GoldenSet set = GoldenSet.parse(BASE, "s", GoldenSet.Format.JSONL);
        String first = "{\"category\":\"c\",\"checks\":[{\"ignore_case\":false,\"type\":\"contains\",\"value\":\"4\"},"
                + "{\"schema\":{\"minimum\":4,\"type\":\"integer\"},\"type\":\"json_schema\"}],\"id\":\"a\",\"key_points\":[\"4\"],"
                + "\"language\":\"en\",\"question\":\"What is 2 + 2?\",\"reference\":\"4\"}";
        String second = "{\"category\":\"c\",\"checks\":[],\"id\":\"b\",\"key_points\":[\"vier\"],\"language\":\"de\","
                + "\"question\":\"Zwei plus zwei?\"}";
        assertThat(GoldenSetHash.canonical(set.cases().get(0))).isEqualTo(first);
        assertThat(GoldenSetHash.canonical(set.cases().get(1))).isEqualTo(second);
        assertThat(set.contentHash()).isEqualTo(sha256(first + "\n" + second + "\n"));
        assertThat(set.cases().get(1).contentHash()).isEqualTo(sha256(second + "\n"));
    }

    @Test
    void canonicalStringsEscapeOnlyWhatJsonRequires() {
        GoldenCase goldenCase = new GoldenCase("q\"\\\n\t\u0001é東", "c", "en", "q", List.of("k"), null, null);
        assertThat(GoldenSetHash.canonical(goldenCase)).contains("\"id\":\"q\\\"\\\\\\n\\t\\u0001é東\"");
    }

    private static String sha256(String text) throws Exception {
        return "sha256:"
                + HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
