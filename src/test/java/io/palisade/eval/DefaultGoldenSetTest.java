package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultGoldenSetTest {
    static final List<String> CATEGORIES = List.of(
            "general_knowledge",
            "reasoning",
            "arithmetic",
            "code",
            "instruction_following",
            "structured_output",
            "multilingual");

    private final GoldenSet set = GoldenSet.defaultSet();

    @Test
    void loadsWithEnoughCasesInEveryCategory() {
        assertThat(set.name()).isEqualTo("default");
        assertThat(set.contentHash()).matches("sha256:[0-9a-f]{64}");
        assertThat(set.cases()).hasSizeGreaterThanOrEqualTo(48);
        assertThat(set.categories()).containsExactlyInAnyOrderElementsOf(CATEGORIES);
        Map<String, Long> perCategory =
                set.cases().stream().collect(Collectors.groupingBy(GoldenCase::category, Collectors.counting()));
        assertThat(perCategory)
                .allSatisfy((category, count) -> assertThat(count).as(category).isGreaterThanOrEqualTo(6));
    }

    @Test
    void idsAreUnique() {
        Set<String> ids = new HashSet<>();
        assertThat(set.cases())
                .allSatisfy(c -> assertThat(ids.add(c.id())).as(c.id()).isTrue());
    }

    @Test
    void everyCaseHasKeyPointsAndAReference() {
        assertThat(set.cases()).allSatisfy(c -> {
            assertThat(c.keyPoints()).as(c.id()).isNotEmpty();
            assertThat(c.reference()).as(c.id()).isNotBlank();
        });
    }

    @Test
    void multilingualCasesAreNotInEnglishAndTheOthersAre() {
        Map<Boolean, List<GoldenCase>> byMultilingual = set.cases().stream()
                .collect(Collectors.partitioningBy(c -> c.category().equals("multilingual")));
        assertThat(byMultilingual.get(true))
                .allSatisfy(c -> assertThat(c.language()).as(c.id()).isNotEqualTo("en"));
        assertThat(byMultilingual.get(true).stream()
                        .map(GoldenCase::language)
                        .distinct()
                        .count())
                .isGreaterThanOrEqualTo(5);
        assertThat(byMultilingual.get(false))
                .allSatisfy(c -> assertThat(c.language()).as(c.id()).isEqualTo("en"));
    }

    @Test
    void categoriesThatCanBeCheckedDeterministicallyAre() {
        for (GoldenCase c : set.cases()) {
            if (List.of("arithmetic", "code", "instruction_following", "structured_output")
                    .contains(c.category())) {
                assertThat(c.checks()).as(c.id()).isNotEmpty();
            }
            if (c.category().equals("structured_output")) {
                assertThat(c.checks()).as(c.id()).hasAtLeastOneElementOfType(JsonSchemaCheck.class);
            }
        }
    }

    /** The set is self-consistent: each case's own reference answer passes every one of its checks. */
    @Test
    void everyReferenceAnswerPassesItsOwnChecks() {
        DeterministicChecks checks = new DeterministicChecks(new ObjectMapper());
        assertThat(set.cases())
                .allSatisfy(c -> assertThat(checks.run(c, c.reference()))
                        .as(c.id() + " reference " + c.reference())
                        .hasSameSizeAs(c.checks())
                        .allSatisfy(result ->
                                assertThat(result.passed()).as(result.detail()).isTrue()));
    }

    /** And the checks are not vacuous: each case has at least one check an off-topic answer fails. */
    @Test
    void checksRejectAnUnrelatedAnswer() {
        DeterministicChecks checks = new DeterministicChecks(new ObjectMapper());
        String unrelated = "I am not sure about that, sorry.";
        assertThat(set.cases().stream().filter(c -> !c.checks().isEmpty()))
                .allSatisfy(c -> assertThat(checks.run(c, unrelated))
                        .as(c.id())
                        .anySatisfy(r -> assertThat(r.passed()).isFalse()));
    }

    static Stream<Arguments> otherCorrectAnswers() {
        return Stream.of(
                Arguments.of("gk-006", "CO₂"),
                Arguments.of("gk-007", "Apollo 11 landed in July 1969."),
                Arguments.of("reas-002", "**Yes.** Every glimmer is a trock, and every trock is a vash."),
                Arguments.of("reas-006", "\\frac{3}{8}"),
                Arguments.of("reas-006", "3/8 (= 0.375)"),
                Arguments.of("arith-001", "17 × 23 = 391"),
                Arguments.of("arith-003", "−27"),
                Arguments.of("arith-003", "The result is -27."),
                Arguments.of("arith-004", "15% of 240 is 36."),
                Arguments.of(
                        "code-003", "```sql\nSELECT name\nFROM employees\nWHERE salary > 50000\nORDER BY name;\n```"),
                Arguments.of("code-005", "O(log₂ n)"),
                Arguments.of("code-005", "O(lg n)"),
                Arguments.of("code-005", "It is O(log(n))."),
                Arguments.of(
                        "code-006",
                        "```java\npublic static int max(int[] values) {\n  int m = values[0];\n  for (int v : values) if (v > m) m = v;\n  return m;\n}\n```"),
                Arguments.of("code-007", "`git checkout -b feature`"),
                Arguments.of("if-002", "green, red, blue\n"),
                Arguments.of("if-006", "- cat\n- dolphin\n- bat\n"),
                Arguments.of("if-007", "forty two"),
                Arguments.of("if-008", "Yes — the capital of France is Paris. done."),
                Arguments.of("so-001", "```json\n{\"age\": 36, \"name\": \"Ada\"}\n```"),
                Arguments.of("so-005", "{\"sentiment\": \"negative\", \"confidence\": 1}"),
                Arguments.of(
                        "so-007",
                        "Here it is: [{\"item\": \"apple\", \"qty\": 3}, {\"item\": \"pear\", \"qty\": 2}, {\"item\": \"plum\", \"qty\": 5}]"),
                Arguments.of("ml-004", "東京です。"),
                Arguments.of("ml-007", "The dog sleeps."),
                Arguments.of("ml-008", "Jupiter"),
                Arguments.of("ml-009", "７"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("otherCorrectAnswers")
    void otherPhrasingsOfACorrectAnswerPass(String id, String answer) {
        assertThat(new DeterministicChecks(new ObjectMapper()).run(byId(id), answer))
                .allSatisfy(result ->
                        assertThat(result.passed()).as(result.detail()).isTrue());
    }

    static Stream<Arguments> wrongAnswers() {
        return Stream.of(
                Arguments.of("arith-004", "360"),
                Arguments.of("arith-003", "27"),
                Arguments.of("reas-002", "No. Not necessarily, yes?"),
                Arguments.of("code-008", "10"),
                Arguments.of("if-001", "OK."),
                Arguments.of("if-002", "Red, Green, Blue"),
                Arguments.of("if-003", "The ocean is vast."),
                Arguments.of("if-006", "Here are three mammals:\n- dog\n- cat\n- whale"),
                Arguments.of("so-001", "{\"name\": \"Ada\", \"age\": \"36\"}"),
                Arguments.of("so-002", "[2, 3, 5, 7, 9]"),
                Arguments.of("so-008", "{\"is_leap_year\": false, \"days_in_february\": 28}"),
                Arguments.of("ml-001", "600"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("wrongAnswers")
    void typicalWrongAnswersFail(String id, String answer) {
        assertThat(new DeterministicChecks(new ObjectMapper()).run(byId(id), answer))
                .anySatisfy(result -> assertThat(result.passed()).isFalse());
    }

    private GoldenCase byId(String id) {
        return set.cases().stream()
                .filter(c -> c.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no case " + id));
    }

    @Test
    void theHashIsStableAndIndependentOfFormat(@TempDir Path dir) throws Exception {
        String jsonl;
        try (InputStream in = GoldenSet.class.getResourceAsStream("default-golden-set.jsonl")) {
            jsonl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(GoldenSet.defaultSet()).isEqualTo(set);
        assertThat(GoldenSet.load(Files.writeString(dir.resolve("copy.jsonl"), jsonl))
                        .contentHash())
                .isEqualTo(set.contentHash());

        ObjectMapper json = new ObjectMapper();
        ArrayNode all = json.createArrayNode();
        jsonl.lines()
                .filter(line -> !line.isBlank())
                .map(line -> read(json, line))
                .forEach(all::add);
        String yaml =
                new YAMLMapper().writeValueAsString(json.createObjectNode().set("cases", all));
        assertThat(GoldenSet.load(Files.writeString(dir.resolve("copy.yaml"), yaml))
                        .contentHash())
                .isEqualTo(set.contentHash());
        assertThat(GoldenSet.load(Files.writeString(dir.resolve("copy.yaml"), yaml))
                        .cases())
                .isEqualTo(set.cases());
    }

    @Test
    void caseHashesIdentifyCases() {
        Map<String, GoldenCase> byHash =
                set.cases().stream().collect(Collectors.toMap(GoldenCase::contentHash, Function.identity()));
        assertThat(byHash).hasSameSizeAs(set.cases());
    }

    private static JsonNode read(ObjectMapper json, String line) {
        try {
            return json.readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
