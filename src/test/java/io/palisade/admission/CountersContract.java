package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Counters} contract, which every implementation passes. Time is explicit: {@code start}
 * is a whole minute (so seconds and windows are easy to read) at or up to a minute before the real
 * clock, and tests move forward from it by passing {@code nowMillis}.
 */
abstract class CountersContract {
    protected static final long HOUR = 3_600_000;

    protected Counters counters;
    protected long start;
    private final AtomicLong reservations = new AtomicLong();

    /** Fresh counters with empty state, closed after the test. */
    protected abstract Counters newCounters();

    @BeforeEach
    void createCounters() {
        counters = newCounters();
        start = Math.floorDiv(System.currentTimeMillis(), 60_000) * 60_000;
    }

    @AfterEach
    void closeCounters() {
        counters.close();
    }

    @Test
    void aRateAdmitsExactlyItsLimitWithinOneSecond() {
        for (int i = 0; i < 5; i++) {
            Verdict verdict = reserve(start + 100 + i, rate("rpm", 5, 1));
            assertThat(verdict.admitted()).isTrue();
            assertThat(remaining(verdict)).containsExactly(4 - i);
        }
        Verdict refused = reserve(start + 900, rate("rpm", 5, 1));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusedClaim()).isZero();
        assertThat(refused.retryAfterMillis())
                .as("the second started at start leaves the window 61 s later")
                .isEqualTo(61_000 - 900);
        assertThat(counters.used(rate("rpm", 5, 1), start + 900)).isEqualTo(5);
    }

    @Test
    void theRefusedClaimIsTheFirstThatDoesNotFit() {
        assertThat(reserve(start, rate("b", 1, 1)).admitted()).isTrue();
        Verdict refused = reserve(start, rate("a", 10, 1), rate("b", 1, 1), rate("c", 0, 1));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusedClaim()).isEqualTo(1);
        assertThat(counters.used(rate("a", 10, 1), start)).isZero();
    }

    @Test
    void anAmountCountsForBetween60And61Seconds() {
        assertThat(reserve(start + 999, rate("rpm", 1, 1)).admitted()).isTrue();
        assertThat(counters.used(rate("rpm", 1, 1), start + 60_999)).isEqualTo(1);
        assertThat(counters.used(rate("rpm", 1, 1), start + 61_000)).isZero();

        Verdict refused = reserve(start + 60_000, rate("rpm", 1, 1));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterMillis()).isEqualTo(1_000);
        assertThat(reserve(start + 60_999, rate("rpm", 1, 1)).retryAfterMillis())
                .isEqualTo(1);
        assertThat(reserve(start + 61_000, rate("rpm", 1, 1)).admitted()).isTrue();
        assertThat(reserve(start + 61_001, rate("rpm", 1, 1)).admitted())
                .as("the new second counts now")
                .isFalse();
    }

    @Test
    void retryAfterWaitsUntilEnoughHasLeftTheWindow() {
        for (long second = 0; second < 30; second += 10) {
            assertThat(reserve(start + second * 1_000, rate("rpm", 3, 1)).admitted())
                    .isTrue();
        }
        long now = start + 30_500;
        assertThat(reserve(now, rate("rpm", 3, 1)).retryAfterMillis())
                .as("one must leave: second 0")
                .isEqualTo(61_000 - 30_500);
        assertThat(reserve(now, rate("rpm", 3, 2)).retryAfterMillis())
                .as("two must leave: seconds 0 and 10")
                .isEqualTo(71_000 - 30_500);
        assertThat(reserve(now, rate("rpm", 3, 4)).retryAfterMillis())
                .as("more than the limit never fits")
                .isEqualTo(60_000);
    }

    @Test
    void tokensPerMinuteCountAmounts() {
        assertThat(remaining(reserve(start, rate("tpm", 1_000, 600)))).containsExactly(400);
        Verdict refused = reserve(start + 10, rate("tpm", 1_000, 500));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterMillis()).isEqualTo(61_000 - 10);
        assertThat(remaining(reserve(start + 20, rate("tpm", 1_000, 400)))).containsExactly(0);
        assertThat(counters.used(rate("tpm", 1_000, 0), start + 20)).isEqualTo(1_000);
    }

    @Test
    void settleLowersOrRaisesARateWhileItsSecondIsInTheWindow() {
        Claim reserved = rate("tpm", 1_000, 800);
        assertThat(reserve("first", start, reserved).admitted()).isTrue();
        counters.settle("first", settled(List.of(reserved), 200), start, start + 5_000);
        assertThat(counters.used(reserved, start + 5_000)).isEqualTo(200);
        assertThat(remaining(reserve("second", start + 6_000, reserved)))
                .as("what settle freed is usable")
                .containsExactly(0);

        counters.settle("second", settled(List.of(reserved), 1_500), start + 6_000, start + 66_999);
        assertThat(counters.used(reserved, start + 66_999))
                .as(
                        "second 6 is still counted at second 66 (second 0 is not), with its actual amount, even past the limit")
                .isEqualTo(1_500);
    }

    @Test
    void settleAfterTheWindowChangesNothing() {
        Claim early = rate("tpm", 1_000, 500);
        Claim late = rate("tpm", 1_000, 300);
        assertThat(reserve("early", start + 200, early).admitted()).isTrue();
        assertThat(reserve("late", start + 61_200, late).admitted())
                .as("second 61 replaces second 0")
                .isTrue();

        counters.settle("early", settled(List.of(early), 0), start + 200, start + 61_500);
        assertThat(counters.used(late, start + 61_500)).isEqualTo(300);
        counters.settle("early", settled(List.of(early), 5_000), start + 200, start + 61_500);
        assertThat(counters.used(late, start + 61_500)).isEqualTo(300);
    }

    @Test
    void aBudgetCountsUntilItsPeriodEndsAndSettleFreesWhatWasNotUsed() {
        long end = start + HOUR;
        counters.seedBudget("day", 0, end);
        assertThat(remaining(reserve("first", start, budget("day", 1_000, 700, end))))
                .containsExactly(300);
        Verdict refused = reserve(start + 1_000, budget("day", 1_000, 400, end));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusedClaim()).isZero();
        assertThat(refused.retryAfterMillis()).as("until the period ends").isEqualTo(HOUR - 1_000);

        counters.settle("first", settled(List.of(budget("day", 1_000, 700, end)), 500), start, start + 2_000);
        assertThat(counters.used(budget("day", 1_000, 0, end), start + 2_000)).isEqualTo(500);
        assertThat(remaining(reserve(start + 3_000, budget("day", 1_000, 400, end))))
                .containsExactly(100);

        assertThat(counters.used(budget("day", 1_000, 0, end), end - 1)).isEqualTo(900);
        assertThat(counters.used(budget("day", 1_000, 0, end), end)).isZero();
        Verdict newPeriod = reserve(end, budget("day", 1_000, 1_000, end + HOUR));
        assertThat(newPeriod.needsSeed())
                .as("a new period is seeded from durable usage, not started at 0")
                .isTrue();
        assertThat(newPeriod.unseededClaim()).isZero();
        counters.seedBudget("day", 0, end + HOUR);
        assertThat(remaining(reserve(end, budget("day", 1_000, 1_000, end + HOUR))))
                .containsExactly(0);
    }

    @Test
    void budgetSettleAfterThePeriodChangesNothingAndARaiseAlwaysCounts() {
        // Budget keys name their period (as the gateway's do), so a late settle meets its own, ended counter.
        long end = start + 10_000;
        counters.seedBudget("day:1", 0, end);
        assertThat(reserve("old", start, budget("day:1", 1_000, 600, end)).admitted())
                .isTrue();
        assertThat(reserve("new", end, budget("day:2", 1_000, 100, end + HOUR)).needsSeed())
                .isTrue();
        counters.seedBudget("day:2", 0, end + HOUR);
        assertThat(remaining(reserve("new", end, budget("day:2", 1_000, 100, end + HOUR))))
                .containsExactly(900);

        counters.settle("old", settled(List.of(budget("day:1", 1_000, 600, end)), 0), start, end + 500);
        assertThat(counters.used(budget("day:1", 1_000, 0, end), end + 500))
                .as("an ended period counts nothing")
                .isZero();
        assertThat(counters.used(budget("day:2", 1_000, 0, end + HOUR), end + 500))
                .isEqualTo(100);
        counters.settle("new", settled(List.of(budget("day:2", 1_000, 100, end + HOUR)), 250), end, end + 600);
        assertThat(counters.used(budget("day:2", 1_000, 0, end + HOUR), end + 600))
                .as("raised, always")
                .isEqualTo(250);
    }

    @Test
    void seedBudgetStartsOnlyAnAbsentBudget() {
        long end = start + HOUR;
        counters.seedBudget("day", 400, end);
        assertThat(counters.used(budget("day", 1_000, 0, end), start)).isEqualTo(400);
        counters.seedBudget("day", 900, end);
        assertThat(counters.used(budget("day", 1_000, 0, end), start))
                .as("a live budget is kept")
                .isEqualTo(400);

        assertThat(reserve(start, budget("day", 1_000, 700, end)).refusedClaim())
                .isZero();
        assertThat(remaining(reserve(start, budget("day", 1_000, 600, end)))).containsExactly(0);
    }

    @Test
    void seedBudgetReplacesAnExpiredBudget() {
        long expired = System.currentTimeMillis() - 1_000;
        counters.seedBudget("day", 100, expired);
        counters.seedBudget("day", 200, start + HOUR);
        assertThat(counters.used(budget("day", 1_000, 0, start + HOUR), start)).isEqualTo(200);
    }

    @Test
    void concurrencySlotsFreeOnSettleAndOnExpiry() {
        long expires = start + 30_000;
        assertThat(remaining(reserve("one", start, slots("inflight", 2, expires))))
                .containsExactly(1);
        assertThat(remaining(reserve("two", start, slots("inflight", 2, expires))))
                .containsExactly(0);
        Verdict refused = reserve("three", start, slots("inflight", 2, expires));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusedClaim()).isZero();
        assertThat(refused.retryAfterMillis())
                .as("at most until the earliest slot lapses")
                .isBetween(0L, 30_000L);

        counters.settle("one", settled(List.of(slots("inflight", 2, expires)), 0), start, start + 1_000);
        assertThat(counters.used(slots("inflight", 2, expires), start + 1_000)).isEqualTo(1);
        assertThat(reserve("three", start + 1_000, slots("inflight", 2, expires))
                        .admitted())
                .isTrue();

        assertThat(counters.used(slots("inflight", 2, expires), expires - 1)).isEqualTo(2);
        assertThat(counters.used(slots("inflight", 2, expires), expires))
                .as("holders that never settle expire")
                .isZero();
        assertThat(remaining(reserve("four", expires, slots("inflight", 2, expires + 30_000))))
                .containsExactly(1);
    }

    @Test
    void aReservationIsAllOrNothing() {
        long end = start + HOUR;
        assertThat(reserve("holder", start, slots("c", 1, end)).admitted()).isTrue();
        List<Claim> claims = List.of(rate("r", 10, 1), budget("b", 100, 50, end), slots("c", 1, end));
        counters.seedBudget("b", 0, end);
        Verdict refused = reserve("request", start, claims.toArray(Claim[]::new));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refusedClaim()).isEqualTo(2);
        assertThat(counters.used(claims.get(0), start))
                .as("the rate was not taken")
                .isZero();
        assertThat(counters.used(claims.get(1), start))
                .as("the budget was not taken")
                .isZero();

        counters.settle("holder", settled(List.of(slots("c", 1, end)), 0), start, start);
        Verdict admitted = reserve("request", start, claims.toArray(Claim[]::new));
        assertThat(admitted.admitted()).isTrue();
        assertThat(admitted.refusedClaim()).isEqualTo(-1);
        assertThat(remaining(admitted)).containsExactly(9, 50, 0);
    }

    @Test
    void aRefusalInTheMiddleAppliesNeitherSide() {
        long end = start + HOUR;
        counters.seedBudget("b", 0, end);
        Verdict refused =
                reserve("request", start + 250, rate("r", 10, 1), budget("b", 10, 20, end), slots("c", 1, end));
        assertThat(refused.refusedClaim()).isEqualTo(1);
        assertThat(refused.retryAfterMillis()).isEqualTo(HOUR - 250);
        assertThat(counters.used(rate("r", 10, 1), start + 250)).isZero();
        assertThat(counters.used(slots("c", 1, end), start + 250)).isZero();
    }

    @Test
    void oneKeyUnderThreeKindsIsThreeCounters() {
        long end = start + HOUR;
        counters.seedBudget("same", 0, end);
        Verdict verdict = reserve(start, rate("same", 1, 1), slots("same", 1, end), budget("same", 1, 1, end));
        assertThat(remaining(verdict)).containsExactly(0, 0, 0);
        assertThat(counters.used(rate("same", 1, 1), start)).isEqualTo(1);
        assertThat(counters.used(slots("same", 1, end), start)).isEqualTo(1);
        assertThat(counters.used(budget("same", 1, 1, end), start)).isEqualTo(1);
    }

    @Test
    void concurrentReservationsAdmitExactlyTheLimit() throws Exception {
        long end = start + HOUR;
        List<Claim> claims = List.of(rate("rpm", 100, 1), budget("tokens", 1_000_000, 10, end));
        counters.seedBudget("tokens", 0, end);
        int admitted = admitConcurrently(List.of(counters), 32, 50, claims, start + 500);
        assertThat(admitted).isEqualTo(100);
        assertThat(counters.used(claims.get(0), start + 500)).isEqualTo(100);
        assertThat(counters.used(claims.get(1), start + 500)).isEqualTo(1_000);
    }

    @Test
    void concurrentReservationsStayAllOrNothing() throws Exception {
        long end = start + HOUR;
        List<Claim> claims = List.of(rate("rpm", 100, 1), budget("tokens", 735, 10, end));
        counters.seedBudget("tokens", 0, end);
        int admitted = admitConcurrently(List.of(counters), 32, 50, claims, start + 500);
        assertThat(admitted).as("the budget binds first").isEqualTo(73);
        assertThat(counters.used(claims.get(0), start + 500))
                .as("no rate taken by a refused budget")
                .isEqualTo(73);
        assertThat(counters.used(claims.get(1), start + 500)).isEqualTo(730);
    }

    @Test
    // Thread.yield() only widens the window in which holders could overlap; the assertion never relies on it.
    @SuppressWarnings("ThreadPriorityCheck")
    void concurrentSlotHoldersNeverExceedTheLimit() throws Exception {
        long now = start + 500;
        Claim slot = slots("inflight", 4, start + 60_000);
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        runConcurrently(16, thread -> {
            for (int i = 0; i < 30; i++) {
                String id = "t" + thread + "-" + i;
                if (counters.reserve(id, List.of(slot), now).admitted()) {
                    admitted.incrementAndGet();
                    mostHeld.accumulateAndGet(holding.incrementAndGet(), Math::max);
                    Thread.yield();
                    holding.decrementAndGet();
                    counters.settle(id, settled(List.of(slot), 0), now, now);
                }
            }
            return 0;
        });
        assertThat(mostHeld.get()).isBetween(1, 4);
        assertThat(admitted.get()).as("slots are freed and reused").isGreaterThan(4);
        assertThat(counters.used(slot, now)).isZero();
    }

    /** Reserves {@code perThread} times from each of {@code threads} threads, spread over the replicas; the number admitted. */
    protected static int admitConcurrently(
            List<? extends Counters> replicas, int threads, int perThread, List<Claim> claims, long nowMillis)
            throws Exception {
        return runConcurrently(threads, thread -> {
            Counters replica = replicas.get(thread % replicas.size());
            int admitted = 0;
            for (int i = 0; i < perThread; i++) {
                if (replica.reserve("t" + thread + "-" + i, claims, nowMillis).admitted()) {
                    admitted++;
                }
            }
            return admitted;
        });
    }

    interface ThreadWork {
        int run(int thread) throws Exception;
    }

    /** Runs {@code work} on {@code threads} threads released together; the sum of their results. */
    protected static int runConcurrently(int threads, ThreadWork work) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Integer> task = () -> {
                    go.await();
                    return work.run(thread);
                };
                results.add(pool.submit(task));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get();
            }
            return total;
        }
    }

    protected Verdict reserve(long nowMillis, Claim... claims) {
        return reserve("reservation-" + reservations.incrementAndGet(), nowMillis, claims);
    }

    protected Verdict reserve(String reservationId, long nowMillis, Claim... claims) {
        return counters.reserve(reservationId, List.of(claims), nowMillis);
    }

    protected static Claim rate(String key, long limit, long amount) {
        return new Claim(
                Claim.Kind.RATE, Claim.Measure.REQUESTS, key, limit, amount, 0, key + ": " + limit + " per minute");
    }

    protected static Claim slots(String key, long limit, long expiresAtMillis) {
        return new Claim(
                Claim.Kind.CONCURRENCY,
                Claim.Measure.REQUESTS,
                key,
                limit,
                1,
                expiresAtMillis,
                key + ": " + limit + " in flight");
    }

    protected static Claim budget(String key, long limit, long amount, long expiresAtMillis) {
        return new Claim(
                Claim.Kind.BUDGET,
                Claim.Measure.TOKENS,
                key,
                limit,
                amount,
                expiresAtMillis,
                key + ": " + limit + " per period");
    }

    /** Each of {@code claims} settled at the actual amount at the same position of {@code actual}. */
    static List<ClaimAmount> settled(List<Claim> claims, long... actual) {
        List<ClaimAmount> settled = new java.util.ArrayList<>();
        for (int i = 0; i < claims.size(); i++) {
            settled.add(new ClaimAmount(claims.get(i), actual[i]));
        }
        return settled;
    }

    /** What each claim of an admitted reservation has left, in the order the claims were given. */
    static long[] remaining(Verdict verdict) {
        return verdict.remaining().stream().mapToLong(ClaimAmount::amount).toArray();
    }
}
