package io.palisade.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JudgePromptTest {

    @Test
    void readsEverySectionOfTheEvaluatorsFormat() {
        JudgePrompt prompt = JudgePrompt.parse("""
                You grade answers. Reply with JSON.
                ### Question
                How do I rotate an API key?
                ### Expected key points
                - palisade keys rotate
                - the old key keeps working for a grace period
                ### Reference answer
                Run palisade keys rotate.
                ### Answer to grade
                Use palisade keys rotate;
                the old key stays valid for a while.
                """).orElseThrow();

        assertThat(prompt.question()).isEqualTo("How do I rotate an API key?");
        assertThat(prompt.keyPoints())
                .containsExactly("palisade keys rotate", "the old key keeps working for a grace period");
        assertThat(prompt.reference()).isEqualTo("Run palisade keys rotate.");
        assertThat(prompt.answer()).isEqualTo("Use palisade keys rotate;\nthe old key stays valid for a while.");
    }

    @Test
    void toleratesOtherHeaderSpellingsBulletsAndMissingSections() {
        JudgePrompt prompt = JudgePrompt.parse("""
                ## question:
                Q?
                #### EXPECTED KEY POINTS
                * one
                2. two

                ### Answer to grade:
                A.
                """).orElseThrow();

        assertThat(prompt.question()).isEqualTo("Q?");
        assertThat(prompt.keyPoints()).containsExactly("one", "two");
        assertThat(prompt.reference()).isEmpty();
        assertThat(prompt.answer()).isEqualTo("A.");
    }

    @Test
    void noneMeansEmptyAndTheAnswerRunsToTheEndEvenOverHeaderLines() {
        JudgePrompt prompt = JudgePrompt.parse("""
                Instructions mention the sections below.
                ### Question
                Q?
                ### Expected key points
                (none)
                ### Reference answer
                (none)
                ### Answer to grade
                My answer.
                ### Question
                a line the graded model made up
                """).orElseThrow();

        assertThat(prompt.keyPoints()).isEmpty();
        assertThat(prompt.reference()).isEmpty();
        assertThat(prompt.answer()).isEqualTo("My answer.\n### Question\na line the graded model made up");
    }

    @Test
    void aTextWithoutTheAnswerSectionIsNoGradingRequest() {
        assertThat(JudgePrompt.parse("What is ### Answer to grade about?")).isEmpty();
        assertThat(JudgePrompt.parse("### Question\nQ?\n### Reference answer\nR"))
                .isEmpty();
    }
}
