package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The short set the smoke evaluation ships with: small, varied, self-consistent, not vacuous. */
class SmokeGoldenSetTest {
    private final GoldenSet set = GoldenSet.smokeSet();
    private final DeterministicChecks checks = new DeterministicChecks(new ObjectMapper());

    @Test
    void aShortSetOfDeterministicAndJudgedCases() {
        assertThat(set.name()).isEqualTo("smoke");
        assertThat(set.cases()).hasSizeBetween(8, 12);
        assertThat(set.cases().stream().filter(c -> c.checks().isEmpty()))
                .as("cases graded by the judge alone")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(set.cases().stream().map(GoldenCase::category).distinct().count())
                .isGreaterThanOrEqualTo(7);
        assertThat(set.cases())
                .as("the judge needs key points and a reference (also for its sanity check)")
                .allSatisfy(c -> {
                    assertThat(c.keyPoints()).isNotEmpty();
                    assertThat(c.reference()).isNotBlank();
                });
        assertThat(set.contentHash()).isNotEqualTo(GoldenSet.defaultSet().contentHash());
    }

    @Test
    void everyReferencePassesItsChecksAndAnUnrelatedAnswerFailsThem() {
        for (GoldenCase c : set.cases()) {
            assertThat(checks.run(c, c.reference()))
                    .as(c.id())
                    .allSatisfy(result ->
                            assertThat(result.passed()).as(result.detail()).isTrue());
            if (!c.checks().isEmpty()) {
                assertThat(checks.run(c, "I am not sure about that, sorry."))
                        .as(c.id())
                        .anySatisfy(result -> assertThat(result.passed()).isFalse());
            }
        }
    }

    @Test
    void otherCorrectPhrasingsPassAndTypicalWrongAnswersFail() {
        Map<String, String> right = Map.of(
                "smoke-gk-002", "CO₂",
                "smoke-arith-001", "48 + 75 = 123",
                "smoke-arith-002", "15% of 240 is 36.",
                "smoke-code-001", "```python\ndef add(x, y):\n    return x + y\n```",
                "smoke-json-001", "```json\n{\"count\": 3, \"status\": \"ok\"}\n```");
        Map<String, String> wrong = Map.of(
                "smoke-arith-001", "1234",
                "smoke-arith-002", "360",
                "smoke-fmt-001", "READY.",
                "smoke-json-001", "{\"status\": \"ok\", \"count\": \"3\"}",
                "smoke-reason-001", "Anna is the shortest.");
        right.forEach((id, answer) -> assertThat(checks.run(find(id), answer))
                .as(id + ": " + answer)
                .allSatisfy(result ->
                        assertThat(result.passed()).as(result.detail()).isTrue()));
        wrong.forEach((id, answer) -> assertThat(checks.run(find(id), answer))
                .as(id + ": " + answer)
                .anySatisfy(result -> assertThat(result.passed()).isFalse()));
    }

    private GoldenCase find(String id) {
        return set.cases().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }
}
