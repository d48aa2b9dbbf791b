package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.MutableClock;
import io.palisade.config.CanaryConfig;
import io.palisade.config.DeploymentConfig;
import io.palisade.config.RoutingConfig;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The router without HTTP: deployments whose backend is never called. */
class RouterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Set<String> down = new HashSet<>();
    private final Map<String, CanaryPhase> phases = new HashMap<>();
    private final Router router = new Router(
            (model, id) -> phases.getOrDefault(id, CanaryPhase.ACTIVE),
            () -> RoutingConfig.DEFAULTS,
            down::contains,
            clock);

    @Test
    void idleDeploymentsAreChosenByWeight() {
        ModelRoute route = route(List.of(deployment("a", 1), deployment("b", 3)), null, 0);
        Map<String, Integer> counts = choose(route, 8000);
        assertThat(counts.get("b")).isBetween(5700, 6300);
    }

    @Test
    void aBusyDeploymentIsAvoidedAndUntriedOnesComeFirst() {
        Deployment a = deployment("a", 1);
        Deployment b = deployment("b", 1);
        for (int i = 0; i < 10; i++) {
            a.health().started();
        }
        ModelRoute route = route(List.of(a, b), null, 0);
        assertThat(choose(route, 1000).getOrDefault("a", 0))
                .as("a is chosen only when drawn twice")
                .isBetween(150, 350);
        assertThat(router.choose(route, null, Set.of(b))).isSameAs(a);
        assertThat(router.choose(route, null, Set.of(a, b)))
                .as("all tried: retry one of them")
                .isNotNull();
    }

    @Test
    void driftedDeploymentsAndOpenBreakersAreSkippedAndADownProbeOnlyWhenSomethingElseIsLeft() {
        Deployment a = deployment("a", 1);
        Deployment b = deployment("b", 1);
        ModelRoute route = route(List.of(a, b), null, 0);
        a.health().drift(true, "re-pulled");
        assertThat(choose(route, 50)).containsOnlyKeys("b");
        a.health().drift(false, null);
        for (int i = 0; i < 5; i++) {
            b.health().breaker().failure(clock.millis(), 5, 30_000);
        }
        assertThat(choose(route, 50)).containsOnlyKeys("a");
        down.add("backend-a");
        assertThat(router.choose(route, null, Set.of()))
                .as("a probe-down deployment is still better than none")
                .isSameAs(a);
    }

    @Test
    void theCanaryTakesItsShareAndNoneOnceRolledBackAndAllOncePromoted() {
        Deployment canary = new Deployment(
                new DeploymentConfig("c", "backend-c", "m", 1, null), null, true, new DeploymentHealth(60_000));
        ModelRoute route = route(List.of(deployment("a", 1)), canary, 20);
        assertThat(choose(route, 5000).get("c")).isBetween(850, 1150);
        phases.put("c", CanaryPhase.ROLLED_BACK);
        assertThat(choose(route, 200)).containsOnlyKeys("a");
        phases.put("c", CanaryPhase.PROMOTED);
        assertThat(choose(route, 200)).containsOnlyKeys("c");
    }

    @Test
    void aRolledBackCanaryIsNeverAFailoverEvenWithTheBaselineOut() {
        Deployment base = deployment("a", 1);
        Deployment canary = new Deployment(
                new DeploymentConfig("c", "backend-c", "m", 1, null), null, true, new DeploymentHealth(60_000));
        ModelRoute route = route(List.of(base), canary, 20);
        base.health().breaker().failure(clock.millis(), 1, 30_000);
        assertThat(router.choose(route, null, Set.of()))
                .as("a live canary stands in for the baseline")
                .isSameAs(canary);
        phases.put("c", CanaryPhase.ROLLED_BACK);
        assertThat(router.choose(route, null, Set.of()))
                .as("a rolled-back one does not")
                .isNull();
    }

    @Test
    void aConfinedRequestGetsItsDeploymentWhateverItsWeightUnlessItIsOutOfTraffic() {
        Deployment drained = deployment("d", 0);
        down.add("backend-d");
        assertThat(router.chooseOnly(drained))
                .as("weight 0 and a failed probe do not count")
                .isSameAs(drained);
        drained.health().drift(true, "re-pulled");
        assertThat(router.chooseOnly(drained)).isNull();
        drained.health().drift(false, null);
        drained.health().breaker().failure(clock.millis(), 1, 30_000);
        assertThat(router.chooseOnly(drained)).isNull();
    }

    private Map<String, Integer> choose(ModelRoute route, int times) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < times; i++) {
            counts.merge(router.choose(route, null, Set.of()).id(), 1, Integer::sum);
        }
        return counts;
    }

    private static Deployment deployment(String id, int weight) {
        return new Deployment(
                new DeploymentConfig(id, "backend-" + id, "m", weight, null),
                null,
                false,
                new DeploymentHealth(60_000));
    }

    private static ModelRoute route(List<Deployment> deployments, Deployment canary, double percent) {
        CanaryConfig canaryConfig = canary == null
                ? null
                : new CanaryConfig(canary.config(), percent, false, CanaryConfig.Rollback.DEFAULTS);
        return new ModelRoute("m", deployments, canary, canaryConfig, List.of(), false, null);
    }
}
