package io.palisade.upstream;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Periodically closes a pool's expired idle connections. It holds the pool weakly: when a config
 * reload replaces a backend's client, the old client and its pool become garbage, and this task
 * must not be what keeps them (and their sockets) alive. Until the collector takes the pool, the
 * sweep still closes its connections as they pass the max idle time; once it has, the sweep
 * cancels itself. (A socket the collector takes unclosed is closed by the JDK's cleaner.)
 * Runs on the scheduler's thread; thread-safe.
 */
final class IdleSweep implements Runnable {
    private final WeakReference<ConnectionPool> pool;
    private volatile ScheduledFuture<?> schedule;

    private IdleSweep(ConnectionPool pool) {
        this.pool = new WeakReference<>(pool);
    }

    /** Sweeps {@code pool} every {@code interval} on {@code scheduler}. */
    static void start(ScheduledExecutorService scheduler, ConnectionPool pool, Duration interval) {
        IdleSweep sweep = new IdleSweep(pool);
        sweep.schedule = scheduler.scheduleWithFixedDelay(
                sweep, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        ConnectionPool target = pool.get();
        if (target != null) {
            target.closeExpired();
            return;
        }
        ScheduledFuture<?> own = schedule;
        if (own != null) {
            own.cancel(false);
        }
    }
}
