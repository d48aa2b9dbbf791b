package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.config.CanaryConfig;
import io.palisade.config.DeploymentConfig;
import io.palisade.config.ModelConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalog's deployment health across reloads, without backends. */
class ModelCatalogTest {
    private static final DeploymentConfig BASE = new DeploymentConfig("base", "x", "m", 1, null);
    private static final DeploymentConfig CANDIDATE = new DeploymentConfig("cand", "x", "m", 1, null);

    private final ModelCatalog catalog = new ModelCatalog(sources(withCanary(Duration.ofMinutes(1))), Clock.systemUTC());

    @Test
    void everyDeploymentOfAModelKeepsItsOutcomesOverTheCanaryRulesWindowAndAReloadedRuleStartsAFreshOne() {
        ModelRoute route = catalog.find("chat");
        assertThat(route.allDeployments()).allSatisfy(d -> assertThat(d.health().window().windowMillis()).isEqualTo(60_000));
        DeploymentHealth base = route.deployments().get(0).health();
        base.window().record(System.currentTimeMillis(), true, 0);
        base.breaker().failure(System.currentTimeMillis(), 1, 60_000);

        catalog.reconfigure(sources(withCanary(Duration.ofMinutes(10))));
        ModelRoute reloaded = catalog.find("chat");
        assertThat(reloaded.deployments().get(0).health()).as("health survives a reload").isSameAs(base);
        assertThat(base.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(reloaded.allDeployments()).allSatisfy(d -> assertThat(d.health().window().windowMillis()).isEqualTo(600_000));
        assertThat(base.window().summary(System.currentTimeMillis()).requests()).as("outcomes sliced by another rule are not compared")
                .isZero();
    }

    @Test
    void theHealthOfADeploymentNoLongerServedIsForgotten() {
        DeploymentHealth base = catalog.find("chat").deployments().get(0).health();
        base.breaker().failure(System.currentTimeMillis(), 1, 60_000);
        ModelConfig other = new ModelConfig("other", null, List.of(BASE), null, List.of());

        catalog.reconfigure(sources(other));
        assertThat(catalog.find("chat")).isNull();
        catalog.reconfigure(sources(other, withCanary(Duration.ofMinutes(1))));
        DeploymentHealth again = catalog.find("chat").deployments().get(0).health();
        assertThat(again).as("a model removed and added back starts afresh").isNotSameAs(base);
        assertThat(again.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(catalog.find("other").deployments().get(0).health()).as("health is per model").isNotSameAs(again);
    }

    private static ModelConfig withCanary(Duration window) {
        return new ModelConfig("chat", null, List.of(BASE),
                new CanaryConfig(CANDIDATE, 10, false, new CanaryConfig.Rollback(window, 20, 0.05, 2.0, true)), List.of());
    }

    private static ModelCatalog.Sources sources(ModelConfig... models) {
        return new ModelCatalog.Sources(List.of(models), List.of(), Map.of());
    }
}
