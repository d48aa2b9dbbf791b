package io.palisade.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.MutableClock;
import io.palisade.config.CanaryConfig;
import io.palisade.config.DeploymentConfig;
import io.palisade.routing.Deployment;
import io.palisade.routing.DeploymentHealth;
import io.palisade.routing.ModelRoute;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rollback rules on hand-fed outcome windows: no HTTP, no store. */
class CanaryJudgeTest {
    private static final CanaryConfig.Rollback RULE =
            new CanaryConfig.Rollback(Duration.ofMinutes(1), 5, 0.05, 2.0, true);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final CanaryJudge judge = new CanaryJudge(null, null, null, clock);
    private final Deployment baseline = deployment("base", false);
    private final Deployment canary = deployment("cand", true);
    private final ModelRoute route = new ModelRoute(
            "chat",
            List.of(baseline),
            canary,
            new CanaryConfig(canary.config(), 10, false, RULE),
            List.of(),
            false,
            null);

    @Test
    void aSlowCandidateIsRolledBackOnLatency() {
        feed(baseline, 20, 0, 100);
        feed(canary, 10, 0, 400);
        CanaryJudge.Breach breach = judge.judge(route);
        assertThat(breach.trigger()).isEqualTo("latency");
        assertThat(breach.reason()).contains("limit 2.0x");
    }

    @Test
    void aFailingCandidateIsRolledBackOnItsErrorRate() {
        feed(baseline, 20, 1, 100);
        feed(canary, 10, 2, 100);
        assertThat(judge.judge(route).trigger()).isEqualTo("error_rate");
    }

    @Test
    void aCandidateWithinTheRulesOrWithTooFewRequestsGoesOn() {
        feed(baseline, 20, 1, 100);
        feed(canary, 4, 4, 900);
        assertThat(judge.judge(route)).as("4 requests are below min_requests").isNull();
        feed(canary, 20, 0, 150);
        assertThat(judge.judge(route))
                .as("with 24 requests, 4 errors (17 %) against the baseline's 5 % is a breach")
                .isNotNull();
        clock.advance(Duration.ofMinutes(2));
        feed(baseline, 20, 1, 100);
        feed(canary, 20, 1, 150);
        assertThat(judge.judge(route))
                .as("what is older than the window is forgotten")
                .isNull();
    }

    private void feed(Deployment deployment, int requests, int errors, double latencyMillis) {
        for (int i = 0; i < requests; i++) {
            deployment.health().window().record(clock.millis(), i < errors, latencyMillis);
        }
    }

    private static Deployment deployment(String id, boolean canary) {
        return new Deployment(
                new DeploymentConfig(id, "backend-" + id, "m", 1, null),
                null,
                canary,
                new DeploymentHealth(RULE.window().toMillis()));
    }
}
