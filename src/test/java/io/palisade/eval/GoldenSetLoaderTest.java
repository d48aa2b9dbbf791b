package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldenSetLoaderTest {
    static final String JSONL = """
            // a comment line, then a blank line

            {"id":"arith-003","category":"arithmetic","language":"en","question":"What is 17 × 23? Answer with the number only.","key_points":["391"],"reference":"391","checks":[{"type":"contains","value":"391"}]}
            {"id":"fmt-001","category":"instruction_following","question":"Reply with OK.","key_points":["exactly OK"],"checks":[{"type":"exact","value":"OK","ignore_case":true},{"type":"regex","pattern":"^OK$"}]}
              // indented comment
            {"id":"json-001","category":"structured_output","language":"de","question":"Gib JSON zurück.","key_points":["ein Objekt"],"reference":null,"checks":[{"type":"json_schema","schema":{"type":"object","required":["a"]}}]}
            """;

    /** The same three cases as {@link #JSONL}: other key order, block and flow style, defaults left out. */
    static final String YAML = """
            # comments are fine in YAML
            - question: "What is 17 × 23? Answer with the number only."
              id: arith-003
              category: arithmetic
              key_points: ["391"]
              reference: "391"
              checks:
                - {value: "391", type: contains, ignore_case: false}
            - id: fmt-001
              category: instruction_following
              language: en
              question: Reply with OK.
              key_points:
                - exactly OK
              checks:
                - type: exact
                  value: OK
                  ignore_case: true
                - type: regex
                  pattern: ^OK$
            - id: json-001
              category: structured_output
              language: de
              question: Gib JSON zurück.
              key_points: [ein Objekt]
              checks:
                - type: json_schema
                  schema:
                    required: [a]
                    type: object
            """;

    @Test
    void parsesJsonLinesSkippingBlankAndCommentLines() {
        GoldenSet set = GoldenSet.parse(JSONL, "sample", GoldenSet.Format.JSONL);

        assertThat(set.name()).isEqualTo("sample");
        assertThat(set.contentHash()).matches("sha256:[0-9a-f]{64}");
        assertThat(set.cases()).extracting(GoldenCase::id).containsExactly("arith-003", "fmt-001", "json-001");
        GoldenCase arithmetic = set.cases().get(0);
        assertThat(arithmetic.category()).isEqualTo("arithmetic");
        assertThat(arithmetic.language()).isEqualTo("en");
        assertThat(arithmetic.question()).isEqualTo("What is 17 × 23? Answer with the number only.");
        assertThat(arithmetic.keyPoints()).containsExactly("391");
        assertThat(arithmetic.reference()).isEqualTo("391");
        assertThat(arithmetic.checks()).containsExactly(new ContainsCheck("391", false));
        GoldenCase format = set.cases().get(1);
        assertThat(format.language()).as("language defaults to en").isEqualTo("en");
        assertThat(format.reference()).isNull();
        assertThat(format.checks()).containsExactly(new ExactCheck("OK", true), new RegexCheck("^OK$"));
        GoldenCase json = set.cases().get(2);
        assertThat(json.language()).isEqualTo("de");
        assertThat(json.reference()).isNull();
        assertThat(json.checks())
                .singleElement()
                .isInstanceOfSatisfying(
                        JsonSchemaCheck.class,
                        check -> assertThat(check.schema().toString())
                                .isEqualTo("{\"type\":\"object\",\"required\":[\"a\"]}"));
        assertThat(set.categories()).containsExactly("arithmetic", "instruction_following", "structured_output");
    }

    @Test
    void parsesYamlListAndCasesMappingToTheSameCasesAndHash() {
        GoldenSet jsonl = GoldenSet.parse(JSONL, "sample", GoldenSet.Format.JSONL);
        GoldenSet yamlList = GoldenSet.parse(YAML, "sample", GoldenSet.Format.YAML);
        String indented = YAML.lines().map(line -> "  " + line).reduce("", (a, b) -> a + b + "\n");
        GoldenSet yamlMapping = GoldenSet.parse("cases:\n" + indented, "sample", GoldenSet.Format.YAML);

        assertThat(yamlList.cases()).isEqualTo(jsonl.cases());
        assertThat(yamlMapping.cases()).isEqualTo(jsonl.cases());
        assertThat(yamlList.contentHash()).isEqualTo(jsonl.contentHash());
        assertThat(yamlMapping.contentHash()).isEqualTo(jsonl.contentHash());
    }

    @Test
    void emptyChecksAreOptional() {
        GoldenSet set = GoldenSet.parse(
                "- {id: a, category: c, question: q, key_points: [k]}\n"
                        + "- {id: b, category: c, question: q, key_points: [k], checks: []}",
                "s",
                GoldenSet.Format.YAML);
        assertThat(set.cases()).allSatisfy(c -> assertThat(c.checks()).isEmpty());
        assertThat(set.cases().get(0).contentHash())
                .isNotEqualTo(set.cases().get(1).contentHash()); // ids differ
    }

    @Test
    void loadPicksTheFormatByExtensionAndNamesTheSetAfterTheFile(@TempDir Path dir) throws Exception {
        GoldenSet expected = GoldenSet.parse(JSONL, "x", GoldenSet.Format.JSONL);
        ObjectMapper json = new ObjectMapper();
        String array = json.writerWithDefaultPrettyPrinter()
                .writeValueAsString(JSONL.lines()
                        .filter(l -> l.startsWith("{"))
                        .map(l -> readTree(json, l))
                        .toList());

        assertThat(GoldenSet.load(write(dir, "golden.jsonl", JSONL)))
                .isEqualTo(new GoldenSet("golden", expected.contentHash(), expected.cases()));
        assertThat(GoldenSet.load(write(dir, "nightly.yaml", YAML)).name()).isEqualTo("nightly");
        assertThat(GoldenSet.load(write(dir, "nightly.yaml", YAML)).contentHash())
                .isEqualTo(expected.contentHash());
        assertThat(GoldenSet.load(write(dir, "other.YML", YAML)).contentHash()).isEqualTo(expected.contentHash());
        assertThat(GoldenSet.load(write(dir, "array.json", array)).contentHash())
                .isEqualTo(expected.contentHash());
        assertThat(GoldenSet.load(write(dir, "object.json", "{\"cases\": " + array + "}"))
                        .contentHash())
                .isEqualTo(expected.contentHash());
        assertThat(GoldenSet.load(write(dir, "lines.json", JSONL)).contentHash())
                .isEqualTo(expected.contentHash());
        GoldenSet single = GoldenSet.load(write(dir, "single.json", """
                {
                  "id": "one", "category": "c", "question": "q", "key_points": ["k"]
                }
                """));
        assertThat(single.cases()).extracting(GoldenCase::id).containsExactly("one");
        assertThat(GoldenSet.load(write(dir, "bom.jsonl", "\uFEFF" + JSONL)).contentHash())
                .isEqualTo(expected.contentHash());
        assertThat(GoldenSet.load(write(dir, "crlf.jsonl", JSONL.replace("\n", "\r\n")))
                        .contentHash())
                .isEqualTo(expected.contentHash());
    }

    @Test
    void loadErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.jsonl");
        assertThatThrownBy(() -> GoldenSet.load(missing))
                .isInstanceOf(GoldenSetException.class)
                .hasMessage("golden set file " + missing + " does not exist");
        Path text = write(dir, "golden.txt", JSONL);
        assertThatThrownBy(() -> GoldenSet.load(text))
                .hasMessage(
                        "golden set file " + text + ": unsupported extension; expected .jsonl, .json, .yaml or .yml");
        Path latin1 = dir.resolve("latin1.jsonl");
        Files.write(latin1, "{\"id\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> GoldenSet.load(latin1))
                .hasMessage("golden set file " + latin1 + " is not valid UTF-8");
        Path bad = write(dir, "bad.jsonl", "{\"id\":\"a\",\"category\":\"c\",\"question\":\"q\",\"key_points\":[]}\n");
        assertThatThrownBy(() -> GoldenSet.load(bad))
                .hasMessage(bad + " line 1, case \"a\": key_points must not be empty");
        Path brokenJson = write(dir, "broken.json", "[\n  {\"id\": \"a\",\n]\n");
        assertThatThrownBy(() -> GoldenSet.load(brokenJson))
                .hasMessageStartingWith(brokenJson + " line 3: not valid JSON: ");
    }

    @Test
    void collectsEveryProblemOfAFile() {
        String text = """
                {"id":"a","category":"c","question":"q","key_points":["k"]}
                {"id":"b","category":" ","question":"q","key_points":[],"answer":"x"}
                not json
                {"id":"a","category":"c","question":"q","key_points":["k"]}
                """;
        assertThatThrownBy(() -> GoldenSet.parse(text, "t.jsonl", GoldenSet.Format.JSONL))
                .isInstanceOfSatisfying(GoldenSetException.class, e -> {
                    assertThat(e.problems()).hasSize(5);
                    assertThat(e.problems().get(0))
                            .isEqualTo("t.jsonl line 2, case \"b\": unknown field \"answer\" (allowed: "
                                    + "id, category, language, question, key_points, reference, checks)");
                    assertThat(e.problems().get(1)).isEqualTo("t.jsonl line 2, case \"b\": category must not be blank");
                    assertThat(e.problems().get(2))
                            .isEqualTo("t.jsonl line 2, case \"b\": key_points must not be empty");
                    assertThat(e.problems().get(3)).startsWith("t.jsonl line 3: not valid JSON: ");
                    assertThat(e.problems().get(4))
                            .isEqualTo("t.jsonl line 4, case \"a\": duplicate id (first used at line 1)");
                    assertThat(e.getMessage())
                            .isEqualTo("5 problems in golden set t.jsonl:\n" + String.join("\n", e.problems()));
                });
    }

    @Test
    void yamlProblemsNameTheIndex() {
        String yaml = """
                - {id: a, category: c, question: q, key_points: [k]}
                - {id: b, category: c, question: q, key_points: [391], checks: [{type: contains, value: 391}]}
                - {id: a, category: c, question: q, key_points: [k]}
                - just a string
                """;
        assertThatThrownBy(() -> GoldenSet.parse(yaml, "t.yaml", GoldenSet.Format.YAML))
                .isInstanceOfSatisfying(
                        GoldenSetException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "t.yaml cases[1], case \"b\": key_points[0]: expected a string, got integer 391 (put it in quotes)",
                                        "t.yaml cases[1], case \"b\": checks[0].value: expected a string, got integer 391 (put it in quotes)",
                                        "t.yaml cases[2], case \"a\": duplicate id (first used at cases[0])",
                                        "t.yaml cases[3]: expected a case object, got string"));
    }

    @Test
    void yamlDocumentShapeProblems() {
        assertYamlProblem(
                "id: a\ncategory: c\nquestion: q\nkey_points: [k]\n",
                "t.yaml: expected a list of cases (each starting with \"- \" in YAML) or a mapping with a cases list; this looks like a single case");
        assertYamlProblem(
                "title: x\ncases:\n  - {id: a, category: c, question: q, key_points: [k]}\n",
                "t.yaml: unknown top-level field \"title\" (allowed: cases)");
        assertYamlProblem(
                "case:\n  - {id: a, category: c, question: q, key_points: [k]}\n",
                "t.yaml: unknown top-level field \"case\"; did you mean \"cases\"? (allowed: cases)",
                "t.yaml: expected a list of cases or a mapping with a cases list; cases is missing");
        assertYamlProblem("cases: 3\n", "t.yaml cases: expected a list of cases, got integer");
        assertYamlProblem("just text\n", "t.yaml: expected a list of cases or a mapping with a cases list, got string");
        assertYamlProblem("", "t.yaml: no cases (a golden set needs at least one)");
        assertYamlProblem("cases: []\n", "t.yaml: no cases (a golden set needs at least one)");
        assertThatThrownBy(() -> GoldenSet.parse("- {id: a, id: b}\n", "t.yaml", GoldenSet.Format.YAML))
                .hasMessageStartingWith("t.yaml line 1: not valid YAML: Duplicate field 'id'");
        assertThatThrownBy(() -> GoldenSet.parse("- id: a\n  category: [c\n", "t.yaml", GoldenSet.Format.YAML))
                .hasMessageStartingWith("t.yaml line ")
                .hasMessageContaining(": not valid YAML: ");
    }

    private static void assertYamlProblem(String yaml, String... problems) {
        assertThatThrownBy(() -> GoldenSet.parse(yaml, "t.yaml", GoldenSet.Format.YAML))
                .isInstanceOfSatisfying(
                        GoldenSetException.class, e -> assertThat(e.problems()).containsExactly(problems));
    }

    @Test
    void ofComputesTheHashAndAppliesSetRules() {
        GoldenSet parsed = GoldenSet.parse(JSONL, "sample", GoldenSet.Format.JSONL);
        assertThat(GoldenSet.of("sample", parsed.cases())).isEqualTo(parsed);
        assertThatThrownBy(() -> GoldenSet.of("s", List.of()))
                .isInstanceOf(GoldenSetException.class)
                .hasMessage("s: no cases (a golden set needs at least one)");
        GoldenCase first = parsed.cases().get(0);
        assertThatThrownBy(() -> GoldenSet.of("s", List.of(first, first)))
                .hasMessage("s cases[1], case \"arith-003\": duplicate id");
    }

    @Test
    void goldenCaseDefaultsAndImmutability() {
        List<String> keyPoints = new ArrayList<>(List.of("k"));
        GoldenCase goldenCase = new GoldenCase("a", "c", null, "q", keyPoints, null, null);
        keyPoints.add("changed");
        assertThat(goldenCase.language()).isEqualTo("en");
        assertThat(goldenCase.checks()).isEmpty();
        assertThat(goldenCase.keyPoints()).containsExactly("k");
        assertThatThrownBy(() -> goldenCase.keyPoints().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    static Path write(Path dir, String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static Object readTree(ObjectMapper json, String line) {
        try {
            return json.readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
