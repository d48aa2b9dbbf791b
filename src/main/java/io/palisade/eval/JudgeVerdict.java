package io.palisade.eval;

/** A judge's verdict on one answer: pass or fail, a score in [0, 1], and its short reason. */
public record JudgeVerdict(boolean pass, double score, String reason) {}
