package io.palisade.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns per-case results into the run's numbers and verdict: overall and per-category pass rates
 * with Wilson 95 % intervals, flaky cases (passed in some repeats, failed in others), judge
 * errors counted apart, and PASS / FAIL / INVALID. Pure; thread-safe.
 */
public final class EvalSummary {
    private final ObjectMapper json;

    public EvalSummary(ObjectMapper json) {
        this.json = json;
    }

    /** The summary object stored with the run and shown in every report. */
    public ObjectNode summarize(
            String runId,
            EvalRequest request,
            EvalRunner.Independence independence,
            List<CaseResult> results,
            EvalRunner.JudgeSanity sanity,
            EvalGateway.Unloaded unload,
            double generationSeconds,
            double judgingSeconds) {
        ObjectNode summary = json.createObjectNode();
        summary.put("run_id", runId);
        summary.put("generator", request.generator());
        summary.put("judge", request.judge());
        summary.put("judge_independent", independence.independent());
        summary.put("judge_independence", independence.reason());
        ObjectNode golden = summary.putObject("golden_set");
        golden.put("name", request.golden().name());
        golden.put("hash", request.golden().contentHash());
        golden.put("cases", request.golden().cases().size());
        summary.put("threshold", request.threshold());
        summary.put("repeat", request.repeat());

        long passed = results.stream().filter(CaseResult::passed).count();
        summary.put("total", results.size());
        summary.put("passed", passed);
        summary.put("pass_rate", rate(passed, results.size()));
        interval(summary, passed, results.size());
        summary.put(
                "judge_errors", results.stream().filter(CaseResult::judgeError).count());
        summary.put(
                "generation_errors",
                results.stream().filter(r -> r.generationError() != null).count());
        summary.put(
                "empty_answers",
                results.stream()
                        .filter(r -> r.generationError() == null && r.answer().isBlank())
                        .count());

        Map<String, long[]> categories = new LinkedHashMap<>();
        for (CaseResult result : results) {
            long[] counts = categories.computeIfAbsent(result.category(), c -> new long[2]);
            counts[0] += result.passed() ? 1 : 0;
            counts[1]++;
        }
        ObjectNode byCategory = summary.putObject("categories");
        categories.forEach((category, counts) -> {
            ObjectNode node = byCategory.putObject(category);
            node.put("passed", counts[0]);
            node.put("total", counts[1]);
            node.put("pass_rate", rate(counts[0], counts[1]));
            interval(node, counts[0], counts[1]);
        });

        Map<String, long[]> perCase = new LinkedHashMap<>();
        for (CaseResult result : results) {
            long[] counts = perCase.computeIfAbsent(result.caseId(), c -> new long[2]);
            counts[0] += result.passed() ? 1 : 0;
            counts[1]++;
        }
        ArrayNode flaky = summary.putArray("flaky_cases");
        perCase.forEach((caseId, counts) -> {
            if (counts[0] > 0 && counts[0] < counts[1]) {
                flaky.add(caseId);
            }
        });

        ObjectNode judgeCheck = summary.putObject("judge_sanity");
        judgeCheck.put("planted_right", sanity.plantedRight());
        judgeCheck.put("planted_wrong", sanity.plantedWrong());
        judgeCheck.put("right_failed", sanity.rightFailed());
        judgeCheck.put("wrong_passed", sanity.wrongPassed());
        judgeCheck.put("tolerance", request.sanityTolerance());
        int planted = sanity.plantedRight() + sanity.plantedWrong();
        boolean sane = planted == 0
                || (double) (sanity.rightFailed() + sanity.wrongPassed()) / planted <= request.sanityTolerance();
        judgeCheck.put("valid", sane);

        ObjectNode unloaded = summary.putObject("generator_unload");
        unloaded.put("supported", unload.supported());
        unloaded.put("confirmed", unload.confirmed());
        summary.putObject("timings")
                .put("generation_seconds", generationSeconds)
                .put("judging_seconds", judgingSeconds);

        String status = !sane ? "invalid" : rate(passed, results.size()) >= request.threshold() ? "pass" : "fail";
        summary.put("status", status);
        return summary;
    }

    private static double rate(long passed, long total) {
        return total == 0 ? 0 : (double) passed / total;
    }

    private static void interval(ObjectNode node, long passed, long total) {
        Statistics.Interval wilson = Statistics.wilson(passed, total);
        node.putArray("wilson_95").add(wilson.low()).add(wilson.high());
    }
}
