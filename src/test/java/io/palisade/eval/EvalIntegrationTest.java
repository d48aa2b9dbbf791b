package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.cli.CliRun;
import io.palisade.simulate.JudgeMode;
import io.palisade.simulate.KnownAnswer;
import io.palisade.simulate.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluation end to end: the real gateway, the real CLI, a simulator that knows the default
 * golden set (answering right with a configured accuracy) and judges with a configured behaviour.
 */
class EvalIntegrationTest {
    private static final String GENERATOR = "llama3.2:1b";
    private static final String JUDGE = "gemma3:4b";
    private static final String WRONG = "I believe the answer is something else entirely.";

    @Test
    void aGoodGeneratorPassesWithReportsAndTheGeneratorIsUnloadedBetweenPasses(@TempDir Path dir) throws Exception {
        try (TestGateway gateway = gateway(dir, Map.of(GENERATOR, 1.0), Map.of(JUDGE, JudgeMode.STRICT))) {
            Path reports = dir.resolve("reports");
            CliRun run = eval(
                    gateway, "run", "--generator", GENERATOR, "--judge", JUDGE, "--report-dir", reports.toString());
            assertThat(run.exit()).as(run.out() + run.err() + failures(reports)).isZero();
            assertThat(run.out()).startsWith("PASS").contains("(independent)");
            JsonNode report = TestGateway.json(Files.readString(reports.resolve("report.json")));
            JsonNode summary = report.path("summary");
            assertThat(summary.path("pass_rate").asDouble()).isEqualTo(1.0);
            assertThat(summary.path("judge_independent").asBoolean()).isTrue();
            assertThat(summary.path("golden_set").path("hash").asText())
                    .isEqualTo(GoldenSet.defaultSet().contentHash());
            assertThat(summary.path("generator_unload").path("confirmed").asBoolean())
                    .isTrue();
            assertThat(summary.path("categories").size()).isGreaterThanOrEqualTo(7);
            assertThat(summary.path("judge_sanity").path("valid").asBoolean()).isTrue();
            assertThat(report.path("results").size())
                    .isEqualTo(GoldenSet.defaultSet().cases().size());
            assertThat(Files.readString(reports.resolve("report.md")))
                    .contains("# Evaluation")
                    .contains("PASS");
            assertThat(Files.readString(reports.resolve("report.html")))
                    .startsWith("<!doctype html>")
                    .doesNotContain("http://");
            assertThat(Files.readString(reports.resolve("junit.xml")))
                    .contains("<testsuite")
                    .contains("failures=\"0\"");
            var ps = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create(gateway.simulator.baseUrl() + "/api/ps"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ps.body())
                    .as("the generator is not loaded after the run")
                    .doesNotContain(GENERATOR);
            assertThat(gateway.simulator.requests()).anySatisfy(r -> {
                assertThat(r.path()).isIn("/api/generate", "/api/chat");
                assertThat(r.body()).contains("\"keep_alive\":0");
            });
            assertThat(gateway.auditRecords())
                    .anySatisfy(r -> assertThat(r.path("user").asText()).isEqualTo("eval@palisade.local"));
        }
    }

    @Test
    void aWeakGeneratorFailsAndARegressionIsCaughtByCompare(@TempDir Path dir) {
        try (TestGateway gateway =
                gateway(dir, Map.of(GENERATOR, 1.0, "llama3.2:3b", 0.3), Map.of(JUDGE, JudgeMode.STRICT))) {
            CliRun good = eval(gateway, "run", "--generator", GENERATOR, "--judge", JUDGE);
            CliRun weak = eval(gateway, "run", "--generator", "llama3.2:3b", "--judge", JUDGE);
            assertThat(weak.exit()).as(weak.out() + weak.err()).isEqualTo(1);
            assertThat(weak.out()).startsWith("FAIL");
            CliRun compare = eval(gateway, "compare", runId(good), runId(weak), "--fail-on-regression");
            assertThat(compare.exit()).as(compare.out()).isEqualTo(1);
            assertThat(compare.out()).contains("REGRESSION").contains("\"pass_to_fail\"");
            CliRun same = eval(gateway, "compare", runId(good), runId(good), "--fail-on-regression");
            assertThat(same.exit()).isZero();

            CliRun repeated = eval(gateway, "run", "--generator", "llama3.2:3b", "--judge", JUDGE, "--repeat", "3");
            JsonNode summary = gateway.admin("GET", "/admin/evals/" + runId(repeated), null)
                    .path("summary");
            assertThat(summary.path("total").asInt())
                    .isEqualTo(3 * GoldenSet.defaultSet().cases().size());
            assertThat(summary.path("flaky_cases").size())
                    .as("a 30 %-accurate model answers some cases right only sometimes")
                    .isPositive();
        }
    }

    @Test
    void theJudgeMustBeAnotherModelOfAnotherFamily(@TempDir Path dir) {
        try (TestGateway gateway = gateway(
                dir, Map.of(GENERATOR, 1.0), Map.of(JUDGE, JudgeMode.STRICT, "llama3.2:3b", JudgeMode.STRICT))) {
            CliRun self = eval(gateway, "run", "--generator", GENERATOR, "--judge", GENERATOR);
            assertThat(self.exit()).isEqualTo(2);
            assertThat(self.err()).contains("must not be the generator");
            CliRun family = eval(gateway, "run", "--generator", GENERATOR, "--judge", "llama3.2:3b");
            assertThat(family.exit()).isEqualTo(2);
            assertThat(family.err()).contains("llama family");
            CliRun allowed =
                    eval(gateway, "run", "--generator", GENERATOR, "--judge", "llama3.2:3b", "--allow-same-family");
            assertThat(allowed.exit()).as(allowed.out() + allowed.err()).isZero();
            assertThat(allowed.out()).contains("(NOT independent)");
        }
    }

    @Test
    void aLenientJudgeMakesTheRunInvalidAndUnreadableVerdictsAreJudgeErrors(@TempDir Path dir) {
        try (TestGateway gateway = gateway(
                dir,
                Map.of(GENERATOR, 0.5),
                Map.of(
                        "gemma3:1b",
                        JudgeMode.LENIENT,
                        JUDGE,
                        JudgeMode.MALFORMED_FIRST,
                        "gemma3:12b",
                        JudgeMode.MALFORMED_ALWAYS))) {
            CliRun lenient = eval(gateway, "run", "--generator", GENERATOR, "--judge", "gemma3:1b");
            assertThat(lenient.exit()).as(lenient.out() + lenient.err()).isEqualTo(3);
            assertThat(lenient.out()).startsWith("INVALID").contains("judge sanity: INVALID");

            CliRun retried = eval(gateway, "run", "--generator", GENERATOR, "--judge", JUDGE);
            assertThat(retried.out()).contains("judge errors: 0");

            CliRun broken = eval(gateway, "run", "--generator", GENERATOR, "--judge", "gemma3:12b");
            assertThat(broken.exit()).isEqualTo(3);
            JsonNode run = gateway.admin("GET", "/admin/evals/" + runId(broken), null);
            assertThat(run.path("summary").path("judge_errors").asLong())
                    .isEqualTo(run.path("summary").path("total").asLong()
                            - run.path("summary").path("empty_answers").asLong());
            assertThat(run.path("summary").path("passed").asLong())
                    .as("a judge error is never a pass")
                    .isZero();
        }
    }

    @Test
    void rejudgingReusesTheSavedAnswers(@TempDir Path dir) {
        try (TestGateway gateway =
                gateway(dir, Map.of(GENERATOR, 1.0), Map.of(JUDGE, JudgeMode.STRICT, "qwen3:0.6b", JudgeMode.HARSH))) {
            CliRun first = eval(gateway, "run", "--generator", GENERATOR, "--judge", JUDGE);
            long generations = gateway.simulator.requests().stream()
                    .filter(r -> r.path().equals("/api/chat") && r.body().contains("\"model\":\"" + GENERATOR + "\""))
                    .count();
            CliRun harsh = eval(gateway, "judge", runId(first), "--judge", "qwen3:0.6b");
            assertThat(harsh.exit()).as(harsh.out() + harsh.err()).isEqualTo(3);
            assertThat(gateway.simulator.requests().stream()
                            .filter(r -> r.path().equals("/api/chat")
                                    && r.body().contains("\"model\":\"" + GENERATOR + "\""))
                            .count())
                    .as("no answer was generated again")
                    .isEqualTo(generations);
        }
    }

    private static String failures(Path reports) {
        try {
            return Files.readString(reports.resolve("report.md"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static TestGateway gateway(Path dir, Map<String, Double> accuracy, Map<String, JudgeMode> judges) {
        List<String> models = new java.util.ArrayList<>(accuracy.keySet());
        judges.keySet().stream().filter(m -> !models.contains(m)).forEach(models::add);
        List<KnownAnswer> knowledge = GoldenSet.defaultSet().cases().stream()
                .map(c -> new KnownAnswer(c.question(), c.reference(), WRONG))
                .toList();
        SimulatorConfig simulator = SimulatorConfig.defaults()
                .withModels(models)
                .withKnowledge(knowledge)
                .withAccuracy(accuracy)
                .withJudgeModes(judges);
        return TestGateway.startWithSimulator(dir, simulator, "limits: {default_requests_per_minute: 0}");
    }

    private static CliRun eval(TestGateway gateway, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "eval";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--url";
        all[args.length + 2] = gateway.baseUrl();
        all[args.length + 3] = "--admin-key";
        all[args.length + 4] = TestGateway.ADMIN_KEY;
        return CliRun.of(all);
    }

    private static String runId(CliRun run) {
        return run.out().replaceAll("(?s).*run: (eval_\\S+).*", "$1").trim();
    }
}
