package io.palisade.simulate;

/**
 * How a simulated judge model grades answers (see {@link SimulatorConfig#withJudgeModes}). A
 * judge only grades prompts carrying the {@code ### Answer to grade} section; it answers anything
 * else like any simulated model.
 */
public enum JudgeMode {
    /** Passes an answer only if it contains every expected key point; the score is the share found. */
    STRICT,
    /** Passes every answer with score 1.0, like a judge that grades too kindly. */
    LENIENT,
    /** Fails every answer with score 0.0. */
    HARSH,
    /** Answers malformed output the first time it grades a (question, answer) pair, then acts as STRICT. */
    MALFORMED_FIRST,
    /** Never produces a verdict that parses. */
    MALFORMED_ALWAYS
}
