package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.palisade.MutableClock;
import io.palisade.config.CanaryConfig;
import io.palisade.config.DeploymentConfig;
import io.palisade.config.ModelConfig;
import io.palisade.config.RoutingConfig;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The retry loop's bounds and what it feeds the breakers and outcome windows, with attempts that never reach a backend. */
class FailoverTest {
    private static final RoutingConfig ROUTING = new RoutingConfig(
            2,
            3,
            Duration.ofSeconds(30),
            Duration.ofMillis(10),
            Duration.ofMillis(40),
            100,
            Duration.ofSeconds(30),
            Duration.ZERO,
            true,
            null,
            true,
            false);

    private final List<Long> pauses = new ArrayList<>();
    private final ModelCatalog catalog = new ModelCatalog(
            new ModelCatalog.Sources(
                    List.of(
                            new ModelConfig(
                                    "a",
                                    null,
                                    List.of(new DeploymentConfig("a1", "x", "a", 1, null)),
                                    null,
                                    List.of("b")),
                            new ModelConfig(
                                    "b", null, List.of(new DeploymentConfig("b1", "x", "b", 1, null)), null, List.of()),
                            new ModelConfig(
                                    "c",
                                    null,
                                    List.of(new DeploymentConfig("c1", "x", "c", 1, null)),
                                    new CanaryConfig(
                                            new DeploymentConfig("c2", "x", "c", 1, null),
                                            100,
                                            false,
                                            new CanaryConfig.Rollback(Duration.ofHours(1), 20, 0.05, 2.0, true)),
                                    List.of())),
                    List.of(),
                    Map.of()),
            Clock.systemUTC());

    @Test
    void theSameDeploymentIsRetriedAfterABackoffThenTheFallbackUntilTheTotalIsSpent() {
        Failover.Exhausted exhausted = failing(ROUTING, System.nanoTime(), ErrorCode.UPSTREAM_UNAVAILABLE);
        assertThat(exhausted.attempts()).extracting(AttemptRecord::model).containsExactly("a", "a", "b");
        assertThat(exhausted.failure().getMessage()).endsWith("(after 3 attempts)");
        assertThat(pauses).as("one pause, before a1 was tried again").hasSize(1);
        assertThat(pauses.get(0)).isBetween(5L, 10L);
    }

    @Test
    void aCallersErrorIsNotRetried() {
        Failover.Exhausted exhausted = failing(ROUTING, System.nanoTime(), ErrorCode.INVALID_REQUEST);
        assertThat(exhausted.attempts()).hasSize(1);
        assertThat(exhausted.failure().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void noAttemptStartsOnceTheTimeBudgetIsSpent() {
        Failover.Exhausted exhausted =
                failing(ROUTING, System.nanoTime() - Duration.ofSeconds(31).toNanos(), ErrorCode.UPSTREAM_TIMEOUT);
        assertThat(exhausted.attempts()).hasSize(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void aStreamCutAfterItsFirstByteCountsOnceAndAsAFailure() {
        RoutingConfig routing = new RoutingConfig(
                2,
                3,
                Duration.ofSeconds(30),
                Duration.ofMillis(10),
                Duration.ofMillis(40),
                3,
                Duration.ofSeconds(30),
                Duration.ZERO,
                true,
                null,
                true,
                false);
        Failover failover = failover(routing);
        ModelRoute route = catalog.find("a");
        Deployment a1 = route.deployments().get(0);
        for (int i = 0; i < 3; i++) {
            Failover.Result<String> result = failover.run(
                    route, request(System.nanoTime()), "cut"::equals, (model, deployment, number) -> "cut");
            assertThat(result.value())
                    .as("a stream that began is returned, never retried")
                    .isEqualTo("cut");
            assertThat(result.attempts()).hasSize(1);
            assertThat(result.attempts().get(0).outcome())
                    .as("the audit says what the breaker heard")
                    .isEqualTo("upstream_bad_response");
        }
        assertThat(a1.health().breaker().state())
                .as("three breaks in a row open the breaker")
                .isEqualTo(CircuitBreaker.State.OPEN);
        OutcomeWindow.Summary recent = a1.health().window().summary(System.currentTimeMillis());
        assertThat(recent.requests()).isEqualTo(3);
        assertThat(recent.errors()).isEqualTo(3);
    }

    @Test
    void aHalfOpenTrialThatNeverRanIsGivenBack() {
        RoutingConfig routing = new RoutingConfig(
                2,
                3,
                Duration.ofSeconds(30),
                Duration.ofMillis(10),
                Duration.ofMillis(40),
                1,
                Duration.ZERO,
                Duration.ZERO,
                true,
                null,
                true,
                false);
        Router router =
                new Router((model, id) -> CanaryPhase.ACTIVE, () -> routing, backend -> false, Clock.systemUTC());
        Failover failover = new Failover(router, catalog, () -> routing, Clock.systemUTC(), millis -> {
            throw new InterruptedException();
        });
        Throwable thrown = catchThrowable(() -> failover.run(
                catalog.find("a"), request(System.nanoTime()), answer -> false, (route, deployment, number) -> {
                    throw new PalisadeException(ErrorCode.UPSTREAM_UNAVAILABLE, "backend 'x' failed");
                }));
        assertThat(Thread.interrupted())
                .as("the interrupted pause keeps the thread's flag")
                .isTrue();
        assertThat(thrown).isInstanceOf(Failover.Exhausted.class);
        assertThat(((Failover.Exhausted) thrown).attempts())
                .as("the retry took the half-open trial, then its pause was cut short")
                .hasSize(1);
        CircuitBreaker breaker = catalog.find("a").deployments().get(0).health().breaker();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.available(System.currentTimeMillis()))
                .as("the unused trial was released")
                .isTrue();
    }

    @Test
    void outcomesLandInTheRulesWindowWhicheverRouteRecordsThem() {
        // At 325 s the canary rule's 60 s slots (one-hour window) and the default rule's 5 s slots
        // (five minutes) share a slot index: a record sized by the wrong rule would wipe the slot.
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(325_000));
        Router router = new Router((model, id) -> CanaryPhase.ACTIVE, () -> ROUTING, backend -> false, clock);
        Failover failover = new Failover(router, catalog, () -> ROUTING, clock, pauses::add);
        ModelRoute route = catalog.find("c");
        Deployment canary = route.canary();
        for (int i = 0; i < 5; i++) {
            assertThat(failover.run(
                                    route,
                                    request(System.nanoTime()),
                                    answer -> false,
                                    (model, deployment, number) -> deployment)
                            .value())
                    .isSameAs(canary);
        }
        // A route without the canary's rule around the same deployment: as a request confined to the
        // canary saw it, or one routed just before a reload changed the rule.
        ModelRoute other = new ModelRoute("c", List.of(canary), null, null, List.of(), false, null);
        failover.run(other, request(System.nanoTime()), answer -> false, (model, deployment, number) -> "ok");
        assertThat(canary.health().window().summary(clock.millis()).requests()).isEqualTo(6);
    }

    @Test
    void nothingReadsADiscoveredModelsOutcomesSoNoneAreKept() {
        Deployment served = new Deployment(
                new DeploymentConfig("x/d", "x", "d", 1, null), null, false, new DeploymentHealth(60_000));
        ModelRoute discovered = new ModelRoute("d", List.of(served), null, null, List.of(), true, null);
        failover(ROUTING)
                .run(discovered, request(System.nanoTime()), answer -> false, (model, deployment, number) -> "ok");
        assertThat(served.health().breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(served.health().window().summary(System.currentTimeMillis()).requests())
                .isZero();
    }

    /** A request without a caller, allowed every fallback, whose answer never sends a byte. */
    private static Failover.Request request(long startNanos) {
        return new Failover.Request(null, fallback -> true, null, startNanos, () -> -1);
    }

    private Failover failover(RoutingConfig routing) {
        Router router =
                new Router((model, id) -> CanaryPhase.ACTIVE, () -> routing, backend -> false, Clock.systemUTC());
        return new Failover(router, catalog, () -> routing, Clock.systemUTC(), pauses::add);
    }

    private Failover.Exhausted failing(RoutingConfig routing, long startNanos, ErrorCode error) {
        Failover failover = failover(routing);
        Throwable thrown = catchThrowable(() ->
                failover.run(catalog.find("a"), request(startNanos), answer -> false, (route, deployment, number) -> {
                    throw new PalisadeException(error, "backend 'x' failed");
                }));
        assertThat(thrown).isInstanceOf(Failover.Exhausted.class);
        return (Failover.Exhausted) thrown;
    }
}
