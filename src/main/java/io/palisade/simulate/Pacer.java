package io.palisade.simulate;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Every simulated wait goes through here, so that {@link #shutdown()} can end them all at once and
 * closing a simulator never waits on a 30-second simulated timeout. Thread-safe.
 */
final class Pacer {
    private final double tokensPerSecond;
    private final CountDownLatch shutdown = new CountDownLatch(1);

    /** @param tokensPerSecond generation pace, 0 for instant */
    Pacer(double tokensPerSecond) {
        this.tokensPerSecond = tokensPerSecond;
    }

    /** Waits for the given time, or less if the simulator shuts down meanwhile. */
    void pause(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            shutdown.await(duration.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long generating this many tokens takes at the configured pace. */
    Duration generationTime(int tokens) {
        return tokensPerSecond == 0 ? Duration.ZERO : Duration.ofNanos((long) (tokens * 1e9 / tokensPerSecond));
    }

    /** A fresh schedule for one streamed response, starting now. */
    TokenSchedule schedule() {
        return new TokenSchedule(System.nanoTime());
    }

    void shutdown() {
        shutdown.countDown();
    }

    /**
     * Token deadlines measured from the start of one response, so that the time spent writing does
     * not accumulate into drift. Confined to the thread writing that response.
     */
    final class TokenSchedule {
        private final long startNanos;
        private int tokensReleased;

        private TokenSchedule(long startNanos) {
            this.startNanos = startNanos;
        }

        /** Waits until the next token is due. */
        void awaitNextToken() {
            if (tokensPerSecond == 0) {
                return;
            }
            tokensReleased++;
            long due = startNanos + (long) (tokensReleased * 1e9 / tokensPerSecond);
            pause(Duration.ofNanos(due - System.nanoTime()));
        }
    }
}
