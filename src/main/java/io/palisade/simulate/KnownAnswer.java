package io.palisade.simulate;

import java.util.Objects;

/**
 * A question the simulated models "know", for evaluation tests: asked exactly this question (see
 * {@link SimulatorConfig#withKnowledge}), a model answers {@code correctAnswer} with the probability
 * of its configured accuracy and {@code wrongAnswer} otherwise.
 *
 * @param question the question as a golden set states it; matched after trimming and collapsing
 *     runs of whitespace, case-sensitively
 * @param correctAnswer the text of a right answer, e.g. the golden set's reference
 * @param wrongAnswer the text of a plausible but wrong answer
 */
public record KnownAnswer(String question, String correctAnswer, String wrongAnswer) {

    public KnownAnswer {
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("a known answer's question must not be blank");
        }
        Objects.requireNonNull(correctAnswer, "correctAnswer");
        Objects.requireNonNull(wrongAnswer, "wrongAnswer");
    }

    /** The question as it is matched against prompts. */
    String matchedQuestion() {
        return Whitespace.collapse(question);
    }
}
