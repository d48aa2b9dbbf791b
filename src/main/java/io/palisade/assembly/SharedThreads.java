package io.palisade.assembly;

import io.palisade.upstream.BackgroundChecks;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The gateway's scheduler threads, shared by several capabilities on purpose: each pool is one
 * thread whose tasks must not overlap or must not wait on each other, whatever capability
 * scheduled them. Assemblies schedule their periodic work here and cancel it on their own close;
 * this assembly, started before them and closed after them, stops the threads.
 */
public final class SharedThreads implements Assembly {
    private final ScheduledExecutorService background;
    private final ScheduledThreadPoolExecutor deadlines;
    private final ScheduledExecutorService backendChecks;
    private final BackgroundChecks checks;

    public SharedThreads() {
        // The identity poll, the canary-phase poll and the canary judge: work that reads and writes
        // the store, and may wait on it (a rollback waits up to 10 s for its audit commit).
        this.background = Executors.newScheduledThreadPool(
                1, Thread.ofPlatform().name("palisade-background").daemon(true).factory());
        // The watchdog: backend exchanges' deadlines, the idle-connection sweeps and the audit writer's
        // watch for overdue commits. Its tasks only close sockets and fail futures, and nothing that
        // waits runs here, so a deadline fires on time however long the store keeps
        // "palisade-background" (or the audit writer) waiting.
        this.deadlines = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name("palisade-deadlines").daemon(true).factory());
        // Every backend exchange arms its deadline here and cancels it when done; without this a
        // cancelled deadline (and the answer it holds) would stay queued until its time, 10 min by default.
        deadlines.setRemoveOnCancelPolicy(true);
        // Only schedules: discovery, probes and pin checks themselves run on "checks" (a virtual thread
        // per check, one at a time per backend), so nothing here ever waits on a backend and one that
        // never answers cannot hold up another's checks, a config reload (the file watch runs here),
        // the identity poll on "palisade-background", start-up or a request.
        this.backendChecks = Executors.newScheduledThreadPool(
                1,
                Thread.ofPlatform().name("palisade-backend-checks").daemon(true).factory());
        this.checks = new BackgroundChecks();
    }

    /** Store-bound periodic work ("palisade-background"). */
    public ScheduledExecutorService background() {
        return background;
    }

    /** The watchdog ("palisade-deadlines"): only tasks that never wait. */
    public ScheduledThreadPoolExecutor deadlines() {
        return deadlines;
    }

    /** Schedules of backend checks ("palisade-backend-checks"): only tasks that hand work to {@link #checks()}. */
    public ScheduledExecutorService backendChecks() {
        return backendChecks;
    }

    /** Runs checks that may wait on a backend, one at a time per key, on virtual threads. */
    public BackgroundChecks checks() {
        return checks;
    }

    @Override
    public void close() {
        background.shutdownNow();
        deadlines.shutdownNow();
        backendChecks.shutdownNow();
        checks.close();
    }
}
