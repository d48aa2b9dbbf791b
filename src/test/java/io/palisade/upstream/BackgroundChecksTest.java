package io.palisade.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Await;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** One check per key at a time, requests made meanwhile coalesced into one rerun, keys independent. */
class BackgroundChecksTest {
    @Test
    void aHungCheckHoldsUpOnlyItsOwnKeyAndRequestsMadeMeanwhileRunItOnceMore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger hungRuns = new AtomicInteger();
        CountDownLatch otherRan = new CountDownLatch(1);
        try (BackgroundChecks checks = new BackgroundChecks()) {
            Runnable hung = () -> {
                hungRuns.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            checks.request("hung", hung);
            await(() -> hungRuns.get() == 1);
            for (int i = 0; i < 5; i++) {
                checks.request("hung", hung);
            }
            checks.request("other", otherRan::countDown);
            assertThat(otherRan.await(10, TimeUnit.SECONDS))
                    .as("another key runs while one hangs")
                    .isTrue();
            assertThat(hungRuns.get()).as("no second run beside the hung one").isEqualTo(1);

            release.countDown();
            await(() -> !checks.running("hung"));
            assertThat(hungRuns.get())
                    .as("five requests made meanwhile: one rerun")
                    .isEqualTo(2);
            checks.request("hung", hung);
            await(() -> hungRuns.get() == 3);
        }
    }

    @Test
    void aFailingCheckDoesNotKeepItsKeyTaken() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (BackgroundChecks checks = new BackgroundChecks()) {
            Runnable failing = () -> {
                runs.incrementAndGet();
                throw new IllegalStateException("backend said no");
            };
            checks.request("failing", failing);
            await(() -> runs.get() == 1 && !checks.running("failing"));
            checks.request("failing", failing);
            await(() -> runs.get() == 2);
        }
    }

    private static void await(BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(10), condition, "the checks' runs");
    }
}
