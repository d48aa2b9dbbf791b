package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.TestGateway;
import io.palisade.cli.CliRun;
import io.palisade.eval.GoldenSet;
import io.palisade.metrics.Scrape;
import io.palisade.simulate.JudgeMode;
import io.palisade.simulate.KnownAnswer;
import io.palisade.simulate.SimulatorConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Canary split, automatic rollback, and promotion behind the evaluation gate, with real simulators and the real CLI. */
class CanaryIntegrationTest {
    private static final String WRONG = "I believe the answer is something else entirely.";

    @Test
    void aStickyCanaryTakesItsShareAndEachUserStaysOnOneSide(@TempDir Path dir) {
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, Map.of("base", RoutingFixture.simulator(), "cand", RoutingFixture.simulator()), """
                models:
                  - name: chat
                    backend: base
                    upstream_model: "llama3.2:1b"
                    canary: {backend: cand, upstream_model: "llama3.2:1b", percent: 25, sticky: false}
                """)) {
            for (int i = 0; i < 400; i++) {
                assertThat(fixture.chat("chat").statusCode()).isEqualTo(200);
            }
            // Binomial(400, 0.25): mean 100, standard deviation 8.7.
            assertThat(fixture.served("cand")).isBetween(57L, 143L);
            JsonNode status = fixture.status("chat");
            assertThat(status.path("deployments").path(1).path("role").asText()).isEqualTo("canary");
            assertThat(status.path("deployments")
                            .path(1)
                            .path("traffic_percent")
                            .asDouble())
                    .isEqualTo(25.0);
            assertThat(status.path("deployments").path(1).path("phase").asText())
                    .isEqualTo("active");
        }
        try (RoutingFixture fixture = RoutingFixture.start(
                dir.resolve("sticky"),
                Map.of("base", RoutingFixture.simulator(), "cand", RoutingFixture.simulator()),
                """
                models:
                  - name: chat
                    backend: base
                    upstream_model: "llama3.2:1b"
                    canary: {backend: cand, upstream_model: "llama3.2:1b", percent: 50, sticky: true}
                """)) {
            for (int i = 0; i < 30; i++) {
                fixture.chat("chat");
            }
            assertThat(fixture.served("base") == 0 || fixture.served("cand") == 0)
                    .as("one user, one side")
                    .isTrue();
        }
    }

    @Test
    void phasesAndBreakerStatesAreSpelledTheSameInEveryLocale(@TempDir Path dir) {
        try (RoutingFixture fixture = RoutingFixture.start(
                dir, Map.of("base", RoutingFixture.simulator(), "cand", RoutingFixture.simulator()), """
                models:
                  - name: chat
                    backend: base
                    upstream_model: "llama3.2:1b"
                    canary: {backend: cand, upstream_model: "llama3.2:1b", percent: 10}
                """)) {
            Locale before = Locale.getDefault();
            // Turkish lower-cases "I" to a dotless "ı": "ACTIVE" would become "actıve".
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            try {
                assertThat(canary(fixture).path("phase").asText()).isEqualTo("active");
                assertThat(canary(fixture).path("breaker").asText()).isEqualTo("closed");
                fixture.admin("POST", "/admin/models/rollback", "{\"model\":\"chat\"}");
                JsonNode resumed = fixture.admin("POST", "/admin/models/resume", "{\"model\":\"chat\"}");
                assertThat(resumed.path("phase").asText()).isEqualTo("active");
            } finally {
                Locale.setDefault(before);
            }
        }
    }

    @Test
    void injectedErrorsRollTheCanaryBackAutomaticallyAuditedAndCounted(@TempDir Path dir) throws Exception {
        try (RoutingFixture fixture = RoutingFixture.start(
                dir,
                Map.of(
                        "base",
                        RoutingFixture.simulator(),
                        "cand",
                        RoutingFixture.simulator().withErrorRate(1.0)),
                """
                models:
                  - name: chat
                    backend: base
                    upstream_model: "llama3.2:1b"
                    canary:
                      backend: cand
                      upstream_model: "llama3.2:1b"
                      percent: 50
                      rollback: {window: 30s, min_requests: 5, error_rate_increase: 0.2}
                """)) {
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> answer = fixture.chat("chat");
                assertThat(answer.statusCode())
                        .as("the baseline answers what the candidate fails")
                        .isEqualTo(200);
            }
            Await.until(
                    Duration.ofSeconds(5),
                    () -> "rolled_back".equals(canary(fixture).path("phase").asText()),
                    "the canary's rollback");
            JsonNode canary = canary(fixture);
            assertThat(canary.path("phase").asText()).isEqualTo("rolled_back");
            assertThat(canary.path("phase_reason").asText()).contains("error rate 100.0%");
            assertThat(canary.path("phase_changed_by").asText()).isEqualTo("palisade");
            assertThat(canary.path("traffic_percent").asDouble()).isZero();

            fixture.clearCounts();
            for (int i = 0; i < 20; i++) {
                fixture.chat("chat");
            }
            assertThat(fixture.served("cand"))
                    .as("a rolled-back canary gets no traffic")
                    .isZero();
            JsonNode audit =
                    fixture.admin("GET", "/admin/audit?limit=10000", null).path("data");
            assertThat(audit).anySatisfy(r -> {
                assertThat(r.path("action").asText()).isEqualTo("model.rollback");
                assertThat(r.path("details").path("trigger").asText()).isEqualTo("error_rate");
            });
            Scrape metrics =
                    Scrape.parse(fixture.adminCall("GET", "/metrics", null).body());
            assertThat(metrics.value(
                            "palisade_canary_events_total",
                            "deployment",
                            "cand/llama3.2:1b",
                            "event",
                            "rollback",
                            "model",
                            "chat",
                            "trigger",
                            "error_rate"))
                    .isEqualTo(1.0);
            assertThat(metrics.value(
                            "palisade_canary_traffic_percent", "deployment", "cand/llama3.2:1b", "model", "chat"))
                    .isZero();

            CliRun status = cli(fixture, "models", "status", "chat");
            assertThat(status.out()).contains("canary   cand/llama3.2:1b").contains("rolled_back by palisade");
            CliRun resumed = cli(fixture, "models", "resume", "chat", "--reason", "fixed the runtime");
            assertThat(resumed.out())
                    .as(resumed.err())
                    .contains("chat: canary cand/llama3.2:1b is now active (fixed the runtime)");
            CliRun again = cli(fixture, "models", "rollback", "chat", "--reason", "by hand");
            assertThat(again.out()).as(again.err()).contains("is now rolled back (by hand)");
            assertThat(cli(fixture, "models", "rollback", "chat").exit())
                    .as("already rolled back")
                    .isNotZero();
        }
    }

    @Test
    void promotionNeedsAPassingEvaluationOfTheCandidate(@TempDir Path dir) {
        List<KnownAnswer> knowledge = GoldenSet.defaultSet().cases().stream()
                .map(c -> new KnownAnswer(c.question(), c.reference(), WRONG))
                .toList();
        SimulatorConfig good = SimulatorConfig.defaults()
                .withModels(List.of("llama3.2:1b", "gemma3:4b", "gemma3:1b"))
                .withKnowledge(knowledge)
                .withJudgeModes(Map.of("gemma3:4b", JudgeMode.STRICT, "gemma3:1b", JudgeMode.LENIENT));
        SimulatorConfig weak = SimulatorConfig.defaults()
                .withModels(List.of("llama3.2:1b"))
                .withKnowledge(knowledge)
                .withAccuracy(Map.of("llama3.2:1b", 0.2));
        try (RoutingFixture fixture =
                RoutingFixture.start(dir, Map.of("base", good, "cand", weak, "strong", good), """
                models:
                  - name: chat
                    family: llama
                    backend: base
                    upstream_model: "llama3.2:1b"
                    canary: {backend: cand, upstream_model: "llama3.2:1b", percent: 10}
                  - name: chat2
                    family: llama
                    backend: base
                    upstream_model: "llama3.2:1b"
                    canary: {backend: strong, upstream_model: "llama3.2:1b", percent: 10}
                  - {name: judge, family: gemma, backend: base, upstream_model: "gemma3:4b"}
                  - {name: lenient-judge, family: gemma, backend: base, upstream_model: "gemma3:1b"}
                """)) {
            HttpResponse<String> unevaluated =
                    fixture.adminCall("POST", "/admin/models/promote", "{\"model\":\"chat\"}");
            assertThat(unevaluated.statusCode()).isEqualTo(409);
            assertThat(unevaluated.body()).contains("no finished evaluation of the candidate 'cand/llama3.2:1b'");

            CliRun baseline =
                    eval(fixture, "--generator", "chat", "--deployment", "base/llama3.2:1b", "--judge", "judge");
            assertThat(baseline.exit()).as(baseline.out() + baseline.err()).isZero();
            CliRun candidate =
                    eval(fixture, "--generator", "chat", "--deployment", "cand/llama3.2:1b", "--judge", "judge");
            assertThat(candidate.exit()).as(candidate.out() + candidate.err()).isEqualTo(1);

            HttpResponse<String> blocked = fixture.adminCall("POST", "/admin/models/promote", "{\"model\":\"chat\"}");
            assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(409);
            assertThat(blocked.body()).contains("ended FAIL");
            assertThat(fixture.status("chat")
                            .path("deployments")
                            .path(1)
                            .path("phase")
                            .asText())
                    .as("a failed evaluation of a live canary rolls it back")
                    .isEqualTo("rolled_back");

            CliRun invalid = eval(
                    fixture, "--generator", "chat2", "--deployment", "strong/llama3.2:1b", "--judge", "lenient-judge");
            assertThat(invalid.exit()).as(invalid.out() + invalid.err()).isEqualTo(3);
            assertThat(fixture.status("chat2")
                            .path("deployments")
                            .path(1)
                            .path("phase")
                            .asText())
                    .as("an INVALID judge says nothing about the candidate")
                    .isEqualTo("active");

            CliRun strong =
                    eval(fixture, "--generator", "chat2", "--deployment", "strong/llama3.2:1b", "--judge", "judge");
            assertThat(strong.exit()).as(strong.out() + strong.err()).isZero();
            CliRun promote = CliRun.of(
                    "models",
                    "promote",
                    "chat2",
                    "--reason",
                    "eval passed",
                    "--url",
                    fixture.baseUrl(),
                    "--admin-key",
                    TestGateway.ADMIN_KEY);
            assertThat(promote.exit()).as(promote.out() + promote.err()).isZero();
            JsonNode promoted = fixture.status("chat2").path("deployments").path(1);
            assertThat(promoted.path("phase").asText()).isEqualTo("promoted");
            assertThat(promoted.path("traffic_percent").asDouble()).isEqualTo(100.0);
            assertThat(promoted.path("last_eval").path("status").asText()).isEqualTo("pass");
            fixture.clearCounts();
            for (int i = 0; i < 10; i++) {
                fixture.chat("chat2");
            }
            assertThat(fixture.served("strong")).isEqualTo(10);

            HttpResponse<String> forced =
                    fixture.adminCall("POST", "/admin/models/promote", "{\"model\":\"chat\",\"force\":true}");
            assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
            assertThat(forced.body()).contains("skipped (forced)");
        }
    }

    @Test
    void aCandidateThatPassesButRegressesSignificantlyAgainstTheBaselineIsNotPromoted(@TempDir Path dir)
            throws Exception {
        List<KnownAnswer> knowledge = GoldenSet.defaultSet().cases().stream()
                .map(c -> new KnownAnswer(c.question(), c.reference(), WRONG))
                .toList();
        SimulatorConfig good = SimulatorConfig.defaults()
                .withModels(List.of("llama3.2:1b", "gemma3:4b"))
                .withKnowledge(knowledge)
                .withJudgeModes(Map.of("gemma3:4b", JudgeMode.STRICT));
        SimulatorConfig worse = SimulatorConfig.defaults()
                .withModels(List.of("llama3.2:1b"))
                .withKnowledge(knowledge)
                .withAccuracy(Map.of("llama3.2:1b", 0.75));
        try (RoutingFixture fixture = RoutingFixture.start(dir, Map.of("base", good, "cand", worse), """
                models:
                  - name: chat
                    family: llama
                    backend: base
                    upstream_model: "llama3.2:1b"
                    canary: {backend: cand, upstream_model: "llama3.2:1b", percent: 10}
                  - {name: judge, family: gemma, backend: base, upstream_model: "gemma3:4b"}
                """)) {
            CliRun baseline =
                    eval(fixture, "--generator", "chat", "--deployment", "base/llama3.2:1b", "--judge", "judge");
            assertThat(baseline.exit()).as(baseline.out() + baseline.err()).isZero();
            CliRun candidate = eval(
                    fixture,
                    "--generator",
                    "chat",
                    "--deployment",
                    "cand/llama3.2:1b",
                    "--judge",
                    "judge",
                    "--threshold",
                    "0.5");
            assertThat(candidate.exit())
                    .as("the candidate passes on its own: " + candidate.out() + candidate.err())
                    .isZero();

            // The run is stored as finished just before the gateway judges it: give the rollback a moment.
            Await.until(
                    Duration.ofSeconds(5),
                    () -> "rolled_back".equals(canary(fixture).path("phase").asText()),
                    "the canary's rollback");
            JsonNode canary = canary(fixture);
            assertThat(canary.path("phase").asText())
                    .as("a live canary that regressed is rolled back")
                    .isEqualTo("rolled_back");
            assertThat(canary.path("phase_reason").asText())
                    .contains("regressed against the baseline")
                    .contains("McNemar p=");
            HttpResponse<String> blocked = fixture.adminCall("POST", "/admin/models/promote", "{\"model\":\"chat\"}");
            assertThat(blocked.statusCode()).as(blocked.body()).isEqualTo(409);
            assertThat(blocked.body())
                    .contains("regressed against the baseline")
                    .contains("cases went from pass to fail");
        }
    }

    private static JsonNode canary(RoutingFixture fixture) {
        return fixture.status("chat").path("deployments").path(1);
    }

    private static CliRun cli(RoutingFixture fixture, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 4);
        all[args.length] = "--url";
        all[args.length + 1] = fixture.baseUrl();
        all[args.length + 2] = "--admin-key";
        all[args.length + 3] = TestGateway.ADMIN_KEY;
        return CliRun.of(all);
    }

    private static CliRun eval(RoutingFixture fixture, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "eval";
        all[1] = "run";
        System.arraycopy(args, 0, all, 2, args.length);
        return cli(fixture, all);
    }
}
