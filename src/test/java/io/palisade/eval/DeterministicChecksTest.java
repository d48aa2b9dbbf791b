package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

class DeterministicChecksTest {
    private final ObjectMapper json = new ObjectMapper();
    private final DeterministicChecks checks = new DeterministicChecks(json);

    private static GoldenCase caseWith(Check... checks) {
        return new GoldenCase("id", "cat", "en", "question?", List.of("point"), null, List.of(checks));
    }

    private CheckResult one(Check check, String answer) {
        List<CheckResult> results = checks.run(caseWith(check), answer);
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    @Test
    void oneResultPerCheckInOrder() {
        GoldenCase goldenCase = caseWith(
                new ContainsCheck("391", false),
                new ExactCheck("391", false),
                new RegexCheck("^\\d+$"),
                new JsonSchemaCheck(json.createObjectNode().put("type", "integer")));
        assertThat(checks.run(goldenCase, "391"))
                .extracting(CheckResult::type, CheckResult::passed)
                .containsExactly(
                        tuple("contains", true),
                        tuple("exact", true),
                        tuple("regex", true),
                        tuple("json_schema", true));
        assertThat(checks.run(goldenCase, "It is 391."))
                .extracting(CheckResult::passed)
                .containsExactly(true, false, false, false);
        assertThat(checks.run(caseWith(), "anything")).isEmpty();
    }

    @Test
    void aMissingAnswerFailsEveryCheck() {
        GoldenCase goldenCase = caseWith(new ContainsCheck("x", false), new RegexCheck(".*"));
        assertThat(checks.run(goldenCase, null))
                .containsExactly(
                        new CheckResult("contains", false, "no answer"), new CheckResult("regex", false, "no answer"));
    }

    @Test
    void exactComparesTheTrimmedAnswer() {
        ExactCheck ok = new ExactCheck("OK", false);
        assertThat(one(ok, "  OK\n")).isEqualTo(new CheckResult("exact", true, "answer equals \"OK\""));
        assertThat(one(ok, "OK.")).isEqualTo(new CheckResult("exact", false, "expected exactly \"OK\", got \"OK.\""));
        assertThat(one(ok, "ok").passed()).isFalse();
        assertThat(one(new ExactCheck("OK", true), "ok"))
                .isEqualTo(new CheckResult("exact", true, "answer equals \"OK\" (ignoring case)"));
        assertThat(one(new ExactCheck("a\nb", false), "a\r\nb\r\n").passed())
                .as("CRLF")
                .isTrue();
        assertThat(one(new ExactCheck("caf\u00e9", false), "cafe\u0301").passed())
                .as("NFC")
                .isTrue();
        assertThat(one(ok, "x".repeat(100)).detail()).endsWith("...\"").hasSizeLessThan(120);
    }

    @Test
    // The escapes show the decomposed form (u + combining acute) that the NFC case is about.
    @SuppressWarnings("UnicodeEscape")
    void containsLooksForASubstring() {
        assertThat(one(new ContainsCheck("391", false), "17 × 23 = 391."))
                .isEqualTo(new CheckResult("contains", true, "answer contains \"391\""));
        assertThat(one(new ContainsCheck("Paris", false), "paris"))
                .isEqualTo(new CheckResult("contains", false, "answer does not contain \"Paris\""));
        assertThat(one(new ContainsCheck("Paris", true), "It's PARIS."))
                .isEqualTo(new CheckResult("contains", true, "answer contains \"Paris\" (ignoring case)"));
        assertThat(one(new ContainsCheck("Júpiter", false), "Es J\u0075\u0301piter.")
                        .passed())
                .as("NFC")
                .isTrue();
    }

    @Test
    void regexFindsAnywhere() {
        assertThat(one(new RegexCheck("\\b391\\b"), "The answer is 391."))
                .isEqualTo(new CheckResult("regex", true, "matched \"391\" at offset 14 for /\\b391\\b/"));
        assertThat(one(new RegexCheck("\\b391\\b"), "3910"))
                .isEqualTo(new CheckResult("regex", false, "no match for /\\b391\\b/"));
        assertThat(one(new RegexCheck("^OK$"), "Sure: OK").passed())
                .as("^ anchors at the start of the answer")
                .isFalse();
        assertThat(one(new RegexCheck("(?m)^OK$"), "Sure:\nOK").passed()).isTrue();
        assertThat(one(new RegexCheck("(?i)yes"), "YES").passed()).isTrue();
    }

    @Test
    void catastrophicBacktrackingFailsInsteadOfHanging() {
        // without a budget this takes seconds at 27 characters and doubles with each one more
        String answer = "a".repeat(60);
        long start = System.nanoTime();
        CheckResult result = one(new RegexCheck("(.*a){20}x"), answer);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).startsWith("regex gave up after ").contains("catastrophic backtracking");
    }

    @Test
    void checkRecordsValidateThemselves() {
        assertThatThrownBy(() -> new ExactCheck(" ", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ContainsCheck("", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegexCheck("(")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegexCheck("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JsonSchemaCheck(json.createObjectNode().put("minLength", -1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema.minLength: must have a minimum value of 0");
        assertThatThrownBy(() -> new JsonSchemaCheck(json.getNodeFactory().textNode("object")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema: expected a JSON Schema (an object or a boolean), got string");
        assertThat(List.of(
                        new ExactCheck("a", false),
                        new ContainsCheck("a", false),
                        new RegexCheck("a"),
                        new JsonSchemaCheck(json.createObjectNode())))
                .extracting(Check::type)
                .containsExactly("exact", "contains", "regex", "json_schema");
    }

    @Test
    void jsonSchemaCheckIsImmutable() {
        ObjectNode schema = json.createObjectNode().put("type", "integer");
        JsonSchemaCheck check = new JsonSchemaCheck(schema);
        schema.put("type", "string");
        ((ObjectNode) check.schema()).put("type", "boolean");
        assertThat(check.schema().toString()).isEqualTo("{\"type\":\"integer\"}");
        assertThat(one(check, "5").passed()).isTrue();
    }

    @Test
    void checksAreSafeToRunConcurrently() throws Exception {
        GoldenCase goldenCase = caseWith(
                new RegexCheck("\\d+"),
                new JsonSchemaCheck(json.createObjectNode().put("type", "array")));
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<List<CheckResult>> results = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int j = 0; j < 200; j++) {
                    results.add(checks.run(goldenCase, "here: [1, 2, 3]"));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(results)
                .hasSize(1600)
                .allSatisfy(r -> assertThat(r).extracting(CheckResult::passed).containsExactly(true, true));
    }
}
