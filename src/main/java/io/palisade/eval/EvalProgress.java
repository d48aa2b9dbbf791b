package io.palisade.eval;

import java.util.concurrent.atomic.AtomicInteger;

/** How far a run is, for progress displays: phase, cases done of total, passes so far. Thread-safe. */
public final class EvalProgress {
    private volatile String phase = "starting";
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger passed = new AtomicInteger();
    private volatile int total;
    private final long startedNanos = System.nanoTime();

    void phase(String name, int totalSteps) {
        phase = name;
        total = totalSteps;
        done.set(0);
        passed.set(0);
    }

    void step(boolean pass) {
        done.incrementAndGet();
        if (pass) {
            passed.incrementAndGet();
        }
    }

    public String phase() {
        return phase;
    }

    public int done() {
        return done.get();
    }

    public int total() {
        return total;
    }

    public int passed() {
        return passed.get();
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
