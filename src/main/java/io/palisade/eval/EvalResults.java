package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A {@link CaseResult} as stored JSON and back. */
final class EvalResults {
    private EvalResults() {}

    static ObjectNode write(ObjectMapper json, CaseResult result) {
        ObjectNode node = json.createObjectNode();
        node.put("case_id", result.caseId());
        node.put("repeat", result.repeat());
        node.put("category", result.category());
        node.put("answer", result.answer());
        node.put("latency_ms", result.latencyMillis());
        node.put("generation_error", result.generationError());
        ArrayNode checks = node.putArray("checks");
        for (CheckResult check : result.checks()) {
            checks.addObject()
                    .put("type", check.type())
                    .put("passed", check.passed())
                    .put("detail", check.detail());
        }
        if (result.verdict() != null) {
            node.put("verdict", result.verdict().pass() ? "pass" : "fail");
            node.put("score", result.verdict().score());
            node.put("reason", result.verdict().reason());
        }
        node.put("judge_attempts", result.judgeAttempts());
        node.put("judge_error", result.judgeError());
        node.put("passed", result.passed());
        return node;
    }

    static CaseResult read(ObjectMapper json, String body) {
        try {
            JsonNode node = json.readTree(body);
            List<CheckResult> checks = new ArrayList<>();
            for (JsonNode check : node.path("checks")) {
                checks.add(new CheckResult(
                        check.path("type").asText(),
                        check.path("passed").asBoolean(),
                        check.path("detail").asText(null)));
            }
            JudgeVerdict verdict = node.has("verdict")
                    ? new JudgeVerdict(
                            "pass".equals(node.path("verdict").asText()),
                            node.path("score").asDouble(),
                            node.path("reason").asText(""))
                    : null;
            return new CaseResult(
                    node.path("case_id").asText(),
                    node.path("repeat").asInt(),
                    node.path("category").asText(),
                    node.path("answer").asText(""),
                    node.path("latency_ms").asDouble(),
                    node.path("generation_error").isNull()
                            ? null
                            : node.path("generation_error").asText(null),
                    checks,
                    verdict,
                    node.path("judge_attempts").asInt(),
                    node.path("judge_error").asBoolean());
        } catch (IOException e) {
            throw new IllegalStateException("a stored evaluation result is not valid JSON", e);
        }
    }
}
