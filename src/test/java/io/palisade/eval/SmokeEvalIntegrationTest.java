package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.MutableClock;
import io.palisade.TestGateway;
import io.palisade.cli.CliRun;
import io.palisade.metrics.Scrape;
import io.palisade.simulate.JudgeMode;
import io.palisade.simulate.KnownAnswer;
import io.palisade.simulate.SimulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code palisade eval smoke} and the smoke runs the gateway starts by itself, end to end: the real
 * gateway and CLI in front of a simulator that knows the smoke golden set (answering right with a
 * configured accuracy) and judges strictly.
 */
class SmokeEvalIntegrationTest {
    private static final String GOOD = "llama3.2:1b";
    private static final String BAD = "llama3.2:3b";
    private static final String JUDGE = "gemma3:4b";
    private static final String WRONG = "I believe the answer is something else entirely.";

    @Test
    void aPassingSmokeExitsZeroRecordsItsOwnerAndIsExported(@TempDir Path dir) throws Exception {
        String yaml = "eval: {smoke: {models: [\"" + GOOD + "\"], judge: \"" + JUDGE + "\", max_age: 2d}}";
        try (TestGateway gateway = gateway(dir, Map.of(GOOD, 1.0), yaml, "")) {
            CliRun run = smoke(gateway, config(dir, yaml), "--owner", "upgrade:1.0.0->1.1.0");
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).startsWith("PASS");

            JsonNode listed = gateway.admin("GET", "/admin/evals", null).path("data");
            assertThat(listed).hasSize(1);
            JsonNode stored = listed.path(0);
            assertThat(stored.path("owner").asText()).isEqualTo("upgrade:1.0.0->1.1.0");
            assertThat(stored.path("generator").asText()).isEqualTo(GOOD);
            assertThat(stored.path("golden_set").asText()).isEqualTo("smoke");
            assertThat(stored.path("golden_set_hash").asText())
                    .isEqualTo(GoldenSet.smokeSet().contentHash());
            String runId = stored.path("run_id").asText();
            assertThat(gateway.get("/admin/evals/" + runId + "/report?format=markdown", TestGateway.ADMIN_KEY)
                            .body())
                    .contains("| started by | upgrade:1.0.0->1.1.0 |");
            assertThat(eval(gateway, "list").out()).contains("upgrade:1.0.0->1.1.0");

            Scrape metrics = scrape(gateway);
            assertThat(metrics.value("palisade_eval_last_run_passed", "model", GOOD, "verdict", "pass"))
                    .isEqualTo(1.0);
            assertThat(metrics.value("palisade_eval_last_pass_rate", "model", GOOD))
                    .isEqualTo(1.0);
            Statistics.Interval wilson = Statistics.wilson(11, 11);
            assertThat(metrics.value("palisade_eval_last_pass_rate_lower", "model", GOOD))
                    .isCloseTo(wilson.low(), org.assertj.core.data.Offset.offset(1e-9))
                    .isLessThan(1.0);
            assertThat(metrics.value("palisade_eval_last_pass_rate_upper", "model", GOOD))
                    .isEqualTo(1.0);
            assertThat(metrics.value("palisade_eval_last_pass_age_seconds", "model", GOOD))
                    .isBetween(0.0, 120.0);
            assertThat(metrics.value("palisade_eval_smoke_max_age_seconds")).isEqualTo(172_800.0);
            assertThat(metrics.value("palisade_eval_runs_total", "owner_kind", "upgrade", "verdict", "pass"))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void aModelThatAnswersWrongFailsTheSmokeWithExitOne(@TempDir Path dir) throws Exception {
        String yaml = "eval: {smoke: {models: [\"" + GOOD + "\", \"" + BAD + "\"], judge: \"" + JUDGE + "\"}}";
        try (TestGateway gateway = gateway(dir, Map.of(GOOD, 1.0, BAD, 0.0), yaml, "")) {
            CliRun run = smoke(gateway, config(dir, yaml));
            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
            assertThat(run.out()).contains("PASS").contains("FAIL");

            assertThat(gateway.admin("GET", "/admin/evals", null).path("data"))
                    .hasSize(2)
                    .allSatisfy(
                            stored -> assertThat(stored.path("owner").asText()).isEqualTo(defaultOwner()));
            Scrape metrics = scrape(gateway);
            assertThat(metrics.has("palisade_eval_last_run_passed")).isTrue();
            assertThat(metrics.value("palisade_eval_last_run_passed", "model", BAD, "verdict", "fail"))
                    .isZero();
            assertThat(metrics.sum("palisade_eval_last_run_passed", "model", BAD, "verdict", "fail"))
                    .as("the failed model's series exists")
                    .isZero();
            assertThat(metrics.value("palisade_eval_last_pass_rate", "model", BAD))
                    .isLessThan(0.7);
            assertThat(metrics.value("palisade_eval_last_pass_age_seconds", "model", BAD))
                    .as("a model in service that never passed")
                    .isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(metrics.value("palisade_eval_runs_total", "owner_kind", "cli", "verdict", "fail"))
                    .isEqualTo(1.0);
            assertThat(metrics.value("palisade_eval_runs_total", "owner_kind", "cli", "verdict", "pass"))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void withoutEvalSmokeTheCommandAndTheServerRefuseWithExitTwo(@TempDir Path dir) throws Exception {
        CliRun run = CliRun.of(
                "eval",
                "smoke",
                "--config",
                config(dir, "server: {port: 4000}").toString(),
                "--admin-key",
                TestGateway.ADMIN_KEY);
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.err()).contains("eval.smoke is not configured");

        try (TestGateway gateway = gateway(dir, Map.of(GOOD, 1.0), "", "")) {
            HttpResponse<String> refused = gateway.post("/admin/evals/smoke", TestGateway.ADMIN_KEY, "{}");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(TestGateway.json(refused.body())
                            .path("error")
                            .path("message")
                            .asText())
                    .contains("eval.smoke is not configured on this server");
            HttpResponse<String> spoofed =
                    gateway.post("/admin/evals/smoke", TestGateway.ADMIN_KEY, "{\"owner\":\"schedule\"}");
            assertThat(spoofed.statusCode()).isEqualTo(400);
            assertThat(spoofed.body()).contains("owner must be cli:<user> or upgrade:<from>-><to>");
        }
    }

    @Test
    void aJudgeThatIsAlsoAGeneratorIsRefusedAtConfigCheck(@TempDir Path dir) throws Exception {
        Path config =
                config(dir, "eval: {smoke: {models: [\"" + GOOD + "\", \"" + JUDGE + "\"], judge: \"" + JUDGE + "\"}}");
        CliRun run = CliRun.of("eval", "smoke", "--config", config.toString(), "--admin-key", TestGateway.ADMIN_KEY);
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.err()).contains("eval.smoke.judge").contains("never grades its own answers");
        CliRun check = CliRun.of("config", "check", "--config", config.toString());
        assertThat(check.exit()).isEqualTo(2);
        assertThat(check.out() + check.err()).contains("never grades its own answers");
    }

    @Test
    void aPinDriftStartsASmokeRunOwnedByTheDrift(@TempDir Path dir) throws Exception {
        String yaml = """
                eval: {smoke: {models: [chat], judge: "%s"}}
                routing: {pins: {on_drift: alert}, reload: {watch: false}}
                """.formatted(JUDGE);
        String models = "  - {name: chat, backend: local, upstream_model: \"%s\", family: llama, pin: \"%s\"}"
                .formatted(GOOD, servedDigest());
        try (TestGateway gateway = gateway(dir, Map.of(GOOD, 1.0), yaml, models)) {
            assertThat(gateway.admin("GET", "/admin/evals", null).path("data"))
                    .as("a matching pin starts nothing")
                    .isEmpty();
            gateway.simulator.setModelDigest(GOOD, "f".repeat(64));
            assertThat(gateway.admin("POST", "/admin/models/verify", null)
                            .path("data")
                            .toString())
                    .contains("\"drifted\"");
            JsonNode run = Await.value(
                    Duration.ofSeconds(60),
                    () -> gateway.admin("GET", "/admin/evals", null)
                            .path("data")
                            .path(0),
                    found -> found.path("owner").asText().equals("drift:chat")
                            && !found.path("status").asText().equals("running"),
                    "a finished smoke run owned by the drift");
            assertThat(run.path("generator").asText()).isEqualTo("chat");
            assertThat(run.path("status").asText())
                    .as("on_drift: alert keeps serving; the simulator answers right")
                    .isEqualTo("pass");
            assertThat(scrape(gateway).value("palisade_eval_runs_total", "owner_kind", "drift", "verdict", "pass"))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void theScheduleStartsASmokeRunWhenItsPeriodHasPassed(@TempDir Path dir) {
        MutableClock clock = new MutableClock(Instant.now());
        String yaml = "eval: {smoke: {models: [\"" + GOOD + "\"], judge: \"qwen3:0.6b\", schedule: 6h}}";
        try (TestGateway gateway = TestGateway.start(dir, yaml, "", "", clock)) {
            assertThat(gateway.admin("GET", "/admin/evals", null).path("data")).isEmpty();
            clock.advance(Duration.ofHours(6));
            JsonNode run = Await.value(
                    Duration.ofSeconds(30),
                    () -> gateway.admin("GET", "/admin/evals", null)
                            .path("data")
                            .path(0),
                    found -> found.path("owner").asText().equals("schedule"),
                    "a smoke run started by the schedule");
            assertThat(run.path("generator").asText()).isEqualTo(GOOD);
            Await.until(
                    Duration.ofSeconds(60),
                    () -> !gateway.admin(
                                    "GET", "/admin/evals/" + run.path("run_id").asText(), null)
                            .path("status")
                            .asText()
                            .equals("running"),
                    "the scheduled run to end");
        }
    }

    /** The owner {@code eval smoke} records without --owner. */
    private static String defaultOwner() {
        return "cli:" + System.getProperty("user.name").replaceAll("[^A-Za-z0-9._@+-]", "_");
    }

    private static TestGateway gateway(Path dir, Map<String, Double> accuracy, String yaml, String extraModels) {
        List<String> models = new ArrayList<>(accuracy.keySet());
        models.add(JUDGE);
        List<KnownAnswer> knowledge = GoldenSet.smokeSet().cases().stream()
                .map(c -> new KnownAnswer(c.question(), c.reference(), WRONG))
                .toList();
        SimulatorConfig simulator = SimulatorConfig.defaults()
                .withModels(models)
                .withKnowledge(knowledge)
                .withAccuracy(accuracy)
                .withJudgeModes(Map.of(JUDGE, JudgeMode.STRICT));
        return TestGateway.startWithSimulator(
                dir, simulator, "limits: {default_requests_per_minute: 0}\n" + yaml, extraModels);
    }

    private static Path config(Path dir, String yaml) throws java.io.IOException {
        Path file = Files.createTempFile(dir, "smoke", ".yaml");
        Files.writeString(file, yaml + "\n");
        return file;
    }

    private static CliRun smoke(TestGateway gateway, Path config, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "eval",
                "smoke",
                "--config",
                config.toString(),
                "--url",
                gateway.baseUrl(),
                "--admin-key",
                TestGateway.ADMIN_KEY));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static CliRun eval(TestGateway gateway, String... more) {
        List<String> args = new ArrayList<>(List.of("eval"));
        args.addAll(List.of(more));
        args.addAll(List.of("--url", gateway.baseUrl(), "--admin-key", TestGateway.ADMIN_KEY));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static Scrape scrape(TestGateway gateway) {
        HttpResponse<String> response = gateway.get("/metrics", TestGateway.ADMIN_KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Scrape.parse(response.body());
    }

    /** The digest a simulator serves for {@link #GOOD}, read from a throw-away one. */
    private static String servedDigest() throws Exception {
        try (io.palisade.simulate.Simulator probe = new io.palisade.simulate.Simulator(
                        SimulatorConfig.defaults().withModels(List.of(GOOD)).withPort(0))
                .start()) {
            HttpResponse<String> tags = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(probe.baseUrl() + "/api/tags"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            for (JsonNode entry : TestGateway.json(tags.body()).path("models")) {
                if (entry.path("name").asText().equals(GOOD)) {
                    return entry.path("digest").asText();
                }
            }
            throw new AssertionError("no " + GOOD);
        }
    }
}
