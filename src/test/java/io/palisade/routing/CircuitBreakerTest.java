package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final CircuitBreaker breaker = new CircuitBreaker();

    @Test
    void opensAtTheThresholdLetsOneTrialThroughAfterTheCoolDownAndClosesOnItsSuccess() {
        assertThat(breaker.failure(0, 3, 1000)).isFalse();
        assertThat(breaker.failure(0, 3, 1000)).isFalse();
        assertThat(breaker.failure(0, 3, 1000)).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire(999)).isFalse();
        assertThat(breaker.available(1000)).isTrue();
        assertThat(breaker.tryAcquire(1000)).as("the trial").isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire(1001)).as("only one trial at a time").isFalse();
        assertThat(breaker.success()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.consecutiveFailures()).isZero();
    }

    @Test
    void aFailedTrialOpensItForAnotherCoolDown() {
        for (int i = 0; i < 3; i++) {
            breaker.failure(0, 3, 1000);
        }
        assertThat(breaker.tryAcquire(1000)).isTrue();
        assertThat(breaker.failure(1000, 3, 1000)).isTrue();
        assertThat(breaker.tryAcquire(1999)).isFalse();
        assertThat(breaker.tryAcquire(2000)).isTrue();
    }

    @Test
    void aSuccessResetsTheCountAndAReleasedTrialFreesTheSlot() {
        breaker.failure(0, 3, 1000);
        breaker.failure(0, 3, 1000);
        breaker.success();
        breaker.failure(0, 3, 1000);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        for (int i = 0; i < 3; i++) {
            breaker.failure(0, 3, 1000);
        }
        assertThat(breaker.tryAcquire(1000)).isTrue();
        breaker.release();
        assertThat(breaker.tryAcquire(1000)).isTrue();
    }

    /** A request let through while closed, ending after another took the half-open trial, must not free that trial. */
    @Test
    void onlyTheTrialsOwnRequestReleasesIt() throws Exception {
        assertThat(breaker.tryAcquire(0)).as("closed: no trial").isTrue();
        for (int i = 0; i < 3; i++) {
            breaker.failure(0, 3, 1000);
        }
        CountDownLatch acquired = new CountDownLatch(1);
        CountDownLatch ending = new CountDownLatch(1);
        AtomicBoolean gotTrial = new AtomicBoolean();
        Thread trial = Thread.ofVirtual().start(() -> {
            gotTrial.set(breaker.tryAcquire(1000));
            acquired.countDown();
            try {
                ending.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            breaker.release();
        });
        acquired.await();
        assertThat(gotTrial).isTrue();
        breaker.release();
        assertThat(breaker.tryAcquire(1000)).as("the trial is still out").isFalse();
        ending.countDown();
        trial.join();
        assertThat(breaker.tryAcquire(1000)).as("released by its own request").isTrue();
    }
}
