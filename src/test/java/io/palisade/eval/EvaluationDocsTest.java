package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/evaluation.md stays true: its examples parse and its default-set table matches the file. */
class EvaluationDocsTest {
    private final String docs = read(Path.of("docs/evaluation.md"));

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (Exception e) {
            throw new IllegalStateException("tests run from the project directory; cannot read " + path, e);
        }
    }

    private String block(String language) {
        Matcher matcher = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL)
                .matcher(docs);
        assertThat(matcher.find()).as("a ```" + language + " block").isTrue();
        return matcher.group(1);
    }

    @Test
    void theFormatExamplesAreValidAndDescribeTheSameCase() {
        GoldenSet jsonl = GoldenSet.parse(block("jsonl"), "docs.jsonl", GoldenSet.Format.JSONL);
        GoldenSet yaml = GoldenSet.parse(block("yaml"), "docs.yaml", GoldenSet.Format.YAML);
        assertThat(jsonl.cases().get(0).id()).isEqualTo("arith-003");
        assertThat(yaml.cases().get(0)).isEqualTo(jsonl.cases().get(0));
        assertThat(yaml.cases().get(0).contentHash())
                .isEqualTo(jsonl.cases().get(0).contentHash());
        DeterministicChecks checks = new DeterministicChecks(new ObjectMapper());
        assertThat(checks.run(jsonl.cases().get(1), "{\"ok\": true}")).allMatch(CheckResult::passed);
        assertThat(checks.run(yaml.cases().get(1), "OK")).allMatch(CheckResult::passed);
    }

    @Test
    void theDefaultSetTableMatchesTheShippedSet() {
        GoldenSet set = GoldenSet.defaultSet();
        assertThat(docs).contains("It has " + set.cases().size() + " neutral questions");
        Map<String, Long> actual =
                set.cases().stream().collect(Collectors.groupingBy(GoldenCase::category, Collectors.counting()));
        for (Map.Entry<String, Long> category : actual.entrySet()) {
            assertThat(docs)
                    .as(category.getKey())
                    .contains("| `" + category.getKey() + "` | " + category.getValue() + " |");
        }
        assertThat(set.cases())
                .allSatisfy(c -> assertThat(c.checks())
                        .as(c.id() + " has at least one check")
                        .isNotEmpty());
    }

    @Test
    void theRunnerSectionsFollowTheGoldenSets() {
        assertThat(docs)
                .contains("## Golden sets")
                .contains("### Writing a golden set")
                .contains("## Running an evaluation")
                .contains("## Regressions and the upgrade gate");
        assertThat(docs.indexOf("## Running an evaluation")).isGreaterThan(docs.indexOf("### The default set"));
    }
}
