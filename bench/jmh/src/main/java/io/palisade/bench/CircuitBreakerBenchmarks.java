package io.palisade.bench;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.palisade.routing.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a request pays for passive ejection, Palisade's own breaker against resilience4j's
 * configured to the same rule (open after 5 consecutive failures: a count window of 5 at 100 %
 * failures, 5 calls minimum; one half-open trial): the router's "routable?" question for a
 * deployment, then the request's permission and its recorded success — the closed state, which is
 * every request's path while backends are healthy. Palisade's {@code available()} has no resilience4j
 * counterpart that does not take a permission; {@code getState()} is the nearest read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CircuitBreakerBenchmarks {
    final CircuitBreaker own = new CircuitBreaker();
    final io.github.resilience4j.circuitbreaker.CircuitBreaker library =
            io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
                    "bench",
                    CircuitBreakerConfig.custom()
                            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                            .slidingWindowSize(5)
                            .minimumNumberOfCalls(5)
                            .failureRateThreshold(100)
                            .waitDurationInOpenState(Duration.ofSeconds(30))
                            .permittedNumberOfCallsInHalfOpenState(1)
                            .build());

    @Benchmark
    public boolean ownRoutableAcquireSuccess() {
        long now = System.currentTimeMillis();
        if (!own.available(now) || !own.tryAcquire(now)) {
            return false;
        }
        return own.success();
    }

    @Benchmark
    public boolean resilience4jRoutableAcquireSuccess() {
        if (library.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN
                || !library.tryAcquirePermission()) {
            return false;
        }
        library.onSuccess(1, TimeUnit.NANOSECONDS);
        return true;
    }

    @Benchmark
    @Threads(2)
    public boolean ownRoutableAcquireSuccessTwoThreads() {
        return ownRoutableAcquireSuccess();
    }

    @Benchmark
    @Threads(2)
    public boolean resilience4jRoutableAcquireSuccessTwoThreads() {
        return resilience4jRoutableAcquireSuccess();
    }
}
