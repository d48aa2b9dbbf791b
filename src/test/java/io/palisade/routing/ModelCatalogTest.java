package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.palisade.Await;
import io.palisade.config.BackendConfig;
import io.palisade.config.BackendKind;
import io.palisade.config.CanaryConfig;
import io.palisade.config.DeploymentConfig;
import io.palisade.config.ModelConfig;
import io.palisade.config.Secret;
import io.palisade.config.Timeouts;
import io.palisade.upstream.Backend;
import io.palisade.upstream.BackgroundChecks;
import io.palisade.upstream.EventSink;
import io.palisade.upstream.StreamOutcome;
import io.palisade.upstream.UpstreamAnswer;
import io.palisade.upstream.UpstreamCall;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The catalog's deployment health across reloads, and its discovery, with backends that only list models. */
class ModelCatalogTest {
    private static final DeploymentConfig BASE = new DeploymentConfig("base", "x", "m", 1, null);
    private static final DeploymentConfig CANDIDATE = new DeploymentConfig("cand", "x", "m", 1, null);

    private final ModelCatalog catalog =
            new ModelCatalog(sources(withCanary(Duration.ofMinutes(1))), Clock.systemUTC());

    @Test
    void everyDeploymentOfAModelKeepsItsOutcomesOverTheCanaryRulesWindowAndAReloadedRuleStartsAFreshOne() {
        ModelRoute route = catalog.find("chat");
        assertThat(route.allDeployments())
                .allSatisfy(d -> assertThat(d.health().window().windowMillis()).isEqualTo(60_000));
        DeploymentHealth base = route.deployments().get(0).health();
        base.window().record(System.currentTimeMillis(), true, 0);
        base.breaker().failure(System.currentTimeMillis(), 1, 60_000);

        catalog.reconfigure(sources(withCanary(Duration.ofMinutes(10))));
        ModelRoute reloaded = catalog.find("chat");
        assertThat(reloaded.deployments().get(0).health())
                .as("health survives a reload")
                .isSameAs(base);
        assertThat(base.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(reloaded.allDeployments())
                .allSatisfy(d -> assertThat(d.health().window().windowMillis()).isEqualTo(600_000));
        assertThat(base.window().summary(System.currentTimeMillis()).requests())
                .as("outcomes sliced by another rule are not compared")
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
        assertThat(catalog.find("other").deployments().get(0).health())
                .as("health is per model")
                .isNotSameAs(again);
    }

    @Test
    void aBackendThatNeverAnswersItsDiscoveryHoldsUpNoLookupNoReconfigureAndNoOtherBackend() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Backend hung = new ListingBackend("hung", () -> {
            release.await();
            return List.of("late:latest");
        });
        Backend quick = new ListingBackend("quick", () -> List.of("quick:latest"));
        ModelCatalog.Sources sources = new ModelCatalog.Sources(
                List.of(withCanary(Duration.ofMinutes(1))),
                List.of(discovering("hung"), discovering("quick")),
                Map.of("hung", hung, "quick", quick));
        try (BackgroundChecks checks = new BackgroundChecks()) {
            ModelCatalog discovering = new ModelCatalog(sources, Clock.systemUTC(), checks);
            // Before the fix refresh() asked each backend in turn on the caller's thread, under the lock.
            assertTimeoutPreemptively(Duration.ofSeconds(10), discovering::refresh, "refresh returns at once");
            awaitTrue(() -> discovering.find("quick") != null);
            assertThat(checks.running("discovery:hung"))
                    .as("the hung backend is still being asked")
                    .isTrue();
            assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> assertThat(discovering.find("nope")).isNull(),
                    "an unknown name is answered from memory");
            assertTimeoutPreemptively(
                    Duration.ofSeconds(10),
                    () -> discovering.reconfigure(sources),
                    "no lock is held while a backend is asked");
            assertThat(discovering.find("chat")).isNotNull();
            assertThat(discovering.discoveredOnce()).isFalse();
            assertThat(discovering.reachable("quick")).isTrue();

            release.countDown();
            awaitTrue(() -> discovering.find("late") != null);
            assertThat(discovering.discoveredOnce()).isTrue();
            assertThat(discovering.find("quick"))
                    .as("one backend's answer keeps the other's models")
                    .isNotNull();
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(10), condition, "the catalog's discovery");
    }

    private static BackendConfig discovering(String name) {
        return new BackendConfig(
                name, BackendKind.OLLAMA, URI.create("http://127.0.0.1:9"), Secret.empty(), true, Timeouts.DEFAULTS);
    }

    /** A backend that only lists models, as {@code models} says (which may wait). */
    private record ListingBackend(String name, Callable<List<String>> models) implements Backend {
        @Override
        public UpstreamAnswer call(UpstreamCall call) {
            throw new UnsupportedOperationException();
        }

        @Override
        public StreamOutcome stream(UpstreamCall call, EventSink sink) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> listModels() throws Exception {
            return models.call();
        }
    }

    private static ModelConfig withCanary(Duration window) {
        return new ModelConfig(
                "chat",
                null,
                List.of(BASE),
                new CanaryConfig(CANDIDATE, 10, false, new CanaryConfig.Rollback(window, 20, 0.05, 2.0, true)),
                List.of());
    }

    private static ModelCatalog.Sources sources(ModelConfig... models) {
        return new ModelCatalog.Sources(List.of(models), List.of(), Map.of());
    }
}
