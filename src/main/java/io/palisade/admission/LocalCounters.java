package io.palisade.admission;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counters held in this process: exact for a single node, and not shared with other replicas
 * (see docs/admission.md). One lock covers a whole reservation, which makes multi-claim
 * reservations atomic; it is held for a few map operations per claim (microseconds).
 *
 * <p>Bounded: at most once per {@link #SWEEP_EVERY_MILLIS} of the callers' clock, a reservation
 * first evicts every counter that no longer counts anything (rate windows whose minute has passed,
 * concurrency keys with no live slot, budgets whose period has ended), so the maps hold only
 * the keys active in about the last two minutes and the budgets of current periods, however many
 * keys and periods pass through. The sweep costs one pass over what is held, once a minute.
 * Thread-safe.
 */
public final class LocalCounters implements Counters {
    static final long SWEEP_EVERY_MILLIS = 60_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, RateWindow> rates = new HashMap<>();
    private final Map<String, Map<String, Long>> slots = new HashMap<>();
    private final Map<String, Budget> budgets = new HashMap<>();
    /** When the next sweep is due (guarded by the lock); the first reservation sweeps (nothing) and sets it. */
    private long nextSweepMillis = Long.MIN_VALUE;

    private record Budget(long total, long expiresAtMillis) {}

    @Override
    public Verdict reserve(String reservationId, List<Claim> claims, long nowMillis) {
        lock.lock();
        try {
            sweepIfDue(nowMillis);
            List<ClaimAmount> remaining = new ArrayList<>(claims.size());
            for (int i = 0; i < claims.size(); i++) {
                Claim claim = claims.get(i);
                if (claim.kind() == Claim.Kind.BUDGET && liveBudget(claim.key(), nowMillis) == null) {
                    return Verdict.unseeded(i); // the Counters contract: budgets start from durable usage, never at 0
                }
                long used = usedLocked(claim, nowMillis);
                if (used + claim.amount() > claim.limit()) {
                    long retry = claim.kind() == Claim.Kind.RATE
                            ? window(claim.key()).retryAfter(claim.limit(), claim.amount(), nowMillis)
                            : claim.kind() == Claim.Kind.BUDGET ? Math.max(0, claim.expiresAtMillis() - nowMillis) : 0;
                    return Verdict.refused(i, retry);
                }
                remaining.add(new ClaimAmount(claim, claim.limit() - used - claim.amount()));
            }
            for (Claim claim : claims) {
                switch (claim.kind()) {
                    case RATE -> window(claim.key()).add(RateWindow.bucket(nowMillis), claim.amount());
                    case CONCURRENCY ->
                        slots.computeIfAbsent(claim.key(), k -> new HashMap<>())
                                .put(reservationId, claim.expiresAtMillis());
                    case BUDGET -> {
                        Budget budget = liveBudget(claim.key(), nowMillis);
                        budgets.put(
                                claim.key(),
                                new Budget(
                                        (budget == null ? 0 : budget.total()) + claim.amount(),
                                        claim.expiresAtMillis()));
                    }
                }
            }
            return Verdict.admitted(remaining);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void settle(String reservationId, List<ClaimAmount> actual, long reservedAtMillis, long nowMillis) {
        lock.lock();
        try {
            for (ClaimAmount used : actual) {
                Claim claim = used.claim();
                long delta = used.amount() - claim.amount();
                switch (claim.kind()) {
                    case RATE -> {
                        RateWindow window = rates.get(claim.key());
                        if (window != null && delta != 0) {
                            window.adjust(RateWindow.bucket(reservedAtMillis), delta, nowMillis);
                        }
                    }
                    case CONCURRENCY -> {
                        Map<String, Long> held = slots.get(claim.key());
                        if (held != null) {
                            held.remove(reservationId);
                        }
                    }
                    case BUDGET -> {
                        Budget budget = liveBudget(claim.key(), nowMillis);
                        if (budget != null) {
                            budgets.put(
                                    claim.key(),
                                    new Budget(Math.max(0, budget.total() + delta), budget.expiresAtMillis()));
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void seedBudget(String key, long amount, long expiresAtMillis) {
        lock.lock();
        try {
            Budget live = liveBudget(key, System.currentTimeMillis());
            if (live == null || live.expiresAtMillis() < expiresAtMillis) { // an earlier period's is replaced
                budgets.put(key, new Budget(amount, expiresAtMillis));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long used(Claim claim, long nowMillis) {
        lock.lock();
        try {
            return usedLocked(claim, nowMillis);
        } finally {
            lock.unlock();
        }
    }

    private long usedLocked(Claim claim, long nowMillis) {
        return switch (claim.kind()) {
            case RATE -> {
                RateWindow window = rates.get(claim.key());
                yield window == null ? 0 : window.sum(nowMillis);
            }
            case CONCURRENCY -> {
                Map<String, Long> held = slots.get(claim.key());
                if (held == null) {
                    yield 0;
                }
                held.values().removeIf(expiry -> expiry <= nowMillis);
                yield held.size();
            }
            case BUDGET -> {
                Budget budget = liveBudget(claim.key(), nowMillis);
                yield budget == null ? 0 : budget.total();
            }
        };
    }

    /** How many counters are held (rate windows, concurrency keys, budgets): what the sweep bounds. */
    int size() {
        lock.lock();
        try {
            return rates.size() + slots.size() + budgets.size();
        } finally {
            lock.unlock();
        }
    }

    private void sweepIfDue(long nowMillis) {
        if (nowMillis < nextSweepMillis && nowMillis >= nextSweepMillis - SWEEP_EVERY_MILLIS) {
            return; // not due (the second test notices a clock set back, which would otherwise delay the sweep)
        }
        nextSweepMillis = nowMillis + SWEEP_EVERY_MILLIS;
        rates.values().removeIf(window -> window.idle(nowMillis));
        slots.values().removeIf(held -> {
            held.values().removeIf(expiry -> expiry <= nowMillis);
            return held.isEmpty();
        });
        budgets.values().removeIf(budget -> budget.expiresAtMillis() <= nowMillis);
    }

    private Budget liveBudget(String key, long nowMillis) {
        Budget budget = budgets.get(key);
        if (budget != null && budget.expiresAtMillis() <= nowMillis) {
            budgets.remove(key);
            return null;
        }
        return budget;
    }

    private RateWindow window(String key) {
        return rates.computeIfAbsent(key, k -> new RateWindow());
    }
}
