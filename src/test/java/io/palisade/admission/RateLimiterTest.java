package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void admitsExactlyTheLimitWithinAnyMinute() {
        RateLimiter limiter = new RateLimiter();
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("k", 3, i * SECOND).allowed()).isTrue();
        }
        RateLimiter.Verdict refused = limiter.acquire("k", 3, 10 * SECOND);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterNanos()).isEqualTo(50 * SECOND);
        assertThat(limiter.acquire("k", 3, 60 * SECOND).allowed()).as("the first admission has left the window").isTrue();
        assertThat(limiter.acquire("k", 3, 60 * SECOND + 1).allowed()).isFalse();
        assertThat(limiter.acquire("k", 3, 61 * SECOND).allowed()).isTrue();
    }

    @Test
    void keysAreIndependentAndAChangedLimitTakesEffect() {
        RateLimiter limiter = new RateLimiter();
        assertThat(limiter.acquire("a", 1, 0).allowed()).isTrue();
        assertThat(limiter.acquire("a", 1, 1).allowed()).isFalse();
        assertThat(limiter.acquire("b", 1, 1).allowed()).isTrue();
        assertThat(limiter.acquire("a", 2, 2).allowed()).as("a new limit starts a new window").isTrue();
    }

    @Test
    void holdsUnderConcurrency() throws Exception {
        RateLimiter limiter = new RateLimiter();
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] threads = new Thread[16];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 100; i++) {
                    if (limiter.acquire("k", 250, 5).allowed()) {
                        admitted.incrementAndGet();
                    }
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(admitted.get()).isEqualTo(250);
    }
}
