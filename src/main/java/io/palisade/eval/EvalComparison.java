package io.palisade.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Baseline against candidate on the cases both runs asked: per-category deltas, the cases that
 * went from pass to fail (regressions) and back, and the exact McNemar test on those paired
 * outcomes. A case counts as passed when it passed in at least half of its repeats. The gate
 * fails when the candidate is worse with p below {@code alpha}. Pure; thread-safe.
 */
public final class EvalComparison {
    private final ObjectMapper json;

    public EvalComparison(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode compare(
            String baselineId,
            List<CaseResult> baseline,
            String candidateId,
            List<CaseResult> candidate,
            boolean sameGoldenSet,
            double alpha) {
        Map<String, Boolean> before = outcomes(baseline);
        Map<String, Boolean> after = outcomes(candidate);
        Map<String, String> categories = new LinkedHashMap<>();
        baseline.forEach(r -> categories.put(r.caseId(), r.category()));
        ObjectNode report = json.createObjectNode();
        report.put("baseline", baselineId);
        report.put("candidate", candidateId);
        report.put("same_golden_set", sameGoldenSet);
        ArrayNode regressions = report.putArray("regressions");
        ArrayNode improvements = report.putArray("improvements");
        Map<String, long[]> byCategory = new LinkedHashMap<>();
        long passToFail = 0;
        long failToPass = 0;
        long common = 0;
        for (Map.Entry<String, Boolean> entry : before.entrySet()) {
            Boolean now = after.get(entry.getKey());
            if (now == null) {
                continue;
            }
            common++;
            long[] counts = byCategory.computeIfAbsent(categories.get(entry.getKey()), c -> new long[3]);
            counts[0] += entry.getValue() ? 1 : 0;
            counts[1] += now ? 1 : 0;
            counts[2]++;
            if (entry.getValue() && !now) {
                passToFail++;
                regressions.add(entry.getKey());
            } else if (!entry.getValue() && now) {
                failToPass++;
                improvements.add(entry.getKey());
            }
        }
        report.put("common_cases", common);
        ObjectNode categoryNode = report.putObject("categories");
        byCategory.forEach((category, counts) -> categoryNode
                .putObject(category)
                .put("baseline_pass_rate", (double) counts[0] / counts[2])
                .put("candidate_pass_rate", (double) counts[1] / counts[2])
                .put("delta", (double) (counts[1] - counts[0]) / counts[2]));
        double p = Statistics.mcNemarExact(passToFail, failToPass);
        report.put("pass_to_fail", passToFail);
        report.put("fail_to_pass", failToPass);
        report.put("mcnemar_p", p);
        report.put("alpha", alpha);
        boolean regressed = passToFail > failToPass && p < alpha;
        report.put("significant_regression", regressed);
        return report;
    }

    private static Map<String, Boolean> outcomes(List<CaseResult> results) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (CaseResult result : results) {
            long[] pair = counts.computeIfAbsent(result.caseId(), id -> new long[2]);
            pair[0] += result.passed() ? 1 : 0;
            pair[1]++;
        }
        Map<String, Boolean> outcomes = new LinkedHashMap<>();
        counts.forEach((id, pair) -> outcomes.put(id, pair[0] * 2 >= pair[1]));
        return outcomes;
    }
}
