package io.palisade.eval;

import java.util.List;

/**
 * One asked question: the answer (reasoning stripped), its deterministic checks, and the judge's
 * verdict. {@code passed} needs every check and a passing verdict; a judge error is never a pass.
 */
public record CaseResult(
        String caseId,
        int repeat,
        String category,
        String answer,
        double latencyMillis,
        String generationError,
        List<CheckResult> checks,
        JudgeVerdict verdict,
        int judgeAttempts,
        boolean judgeError) {

    public boolean checksPassed() {
        return checks.stream().allMatch(CheckResult::passed);
    }

    public boolean passed() {
        return generationError == null && !answer.isBlank() && checksPassed() && verdict != null && verdict.pass();
    }

    public CaseResult judged(JudgeVerdict newVerdict, int attempts, boolean error) {
        return new CaseResult(
                caseId, repeat, category, answer, latencyMillis, generationError, checks, newVerdict, attempts, error);
    }
}
