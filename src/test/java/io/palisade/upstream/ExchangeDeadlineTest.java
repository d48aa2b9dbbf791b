package io.palisade.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Await;
import io.palisade.config.Timeouts;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One task per exchange watches both limits; the transports' own tests cover the errors they become. */
class ExchangeDeadlineTest {
    private static final Timeouts LIMITS =
            new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(400));

    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stop() {
        watchdog.shutdownNow();
    }

    @Test
    void noHeadWithinTheFirstByteLimitCutsTheExchange() throws Exception {
        assertThat(timeUntilCut(false, ExchangeDeadline.Limit.FIRST_BYTE))
                .isBetween(Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    @Test
    void anAnsweredExchangeIsCutAtTheTotalLimitCountedFromItsStart() throws Exception {
        assertThat(timeUntilCut(true, ExchangeDeadline.Limit.TOTAL)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void aDisarmedDeadlineCutsNothingAndLeavesNothingQueued() throws Exception {
        watchdog.setRemoveOnCancelPolicy(true);
        AtomicInteger cuts = new AtomicInteger();
        ExchangeDeadline deadline = ExchangeDeadline.arm(watchdog, LIMITS);
        deadline.cutWith(cuts::incrementAndGet);
        deadline.answered();
        deadline.disarm();

        assertThat(watchdog.getQueue()).isEmpty();
        // Nothing queued, and once whatever was running has ended (the watchdog drained), no cut can
        // come later: that is waited for, not a stretch of time.
        watchdog.shutdown();
        assertThat(watchdog.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(cuts).hasValue(0);
        assertThat(deadline.passed()).isNull();
    }

    @Test
    void aCutRegisteredAfterALimitPassedRunsAtOnce() throws Exception {
        ExchangeDeadline deadline = ExchangeDeadline.arm(watchdog, LIMITS);
        Await.until(Duration.ofSeconds(5), () -> deadline.passed() != null, "the first-byte limit passing");
        AtomicInteger cuts = new AtomicInteger();
        deadline.cutWith(cuts::incrementAndGet);

        assertThat(cuts).hasValue(1);
    }

    /** Arms a deadline (the head arriving at once when {@code answered}) and waits for its cut, which must be for {@code expected}. */
    private Duration timeUntilCut(boolean answered, ExchangeDeadline.Limit expected) throws InterruptedException {
        CountDownLatch cut = new CountDownLatch(1);
        long start = System.nanoTime();
        ExchangeDeadline deadline = ExchangeDeadline.arm(watchdog, LIMITS);
        deadline.cutWith(cut::countDown);
        if (answered) {
            deadline.answered();
        }
        assertThat(cut.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(deadline.passed()).isEqualTo(expected);
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
