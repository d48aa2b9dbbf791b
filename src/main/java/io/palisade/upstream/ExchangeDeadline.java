package io.palisade.upstream;

import io.palisade.config.Timeouts;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The first-byte and total time limits of one exchange with a backend, both counted from the
 * start of the request's write and watched by a single task on the watchdog. The response head
 * must arrive within the first-byte limit; the whole exchange, a stream included, must end within
 * the total. When a limit passes, the watchdog runs the cut the transport registered (closing the
 * socket, ending the JDK's stream), which makes a blocked write or read fail at once; whoever
 * sees that failure asks {@link #passed()} whether to report a timeout.
 *
 * <p>Why not socket read timeouts: on a virtual thread every timed read schedules a timer on the
 * JDK's scheduler and cancels it, waking the scheduler's thread twice per read. One task per
 * exchange on the watchdog is queued behind earlier deadlines and wakes nobody under load
 * (docs/performance.md, finding 18).
 *
 * <p>Thread-safe: the request thread arms, registers cuts, reports the head and disarms; the
 * watchdog fires. A cut registered after a limit passed runs at once.
 */
final class ExchangeDeadline {
    /** Which limit passed. */
    enum Limit {
        FIRST_BYTE,
        TOTAL
    }

    private final ScheduledExecutorService watchdog;
    private final java.time.Duration firstByteLimit;
    private final long firstByteAt;
    private final long totalAt;
    private volatile Runnable cut = ExchangeDeadline::noCut;
    private volatile boolean answered;
    private volatile boolean disarmed;
    private volatile Limit passed;
    private ScheduledFuture<?> task; // guarded by this

    private ExchangeDeadline(
            ScheduledExecutorService watchdog, java.time.Duration firstByteLimit, long firstByteAt, long totalAt) {
        this.watchdog = watchdog;
        this.firstByteLimit = firstByteLimit;
        this.firstByteAt = firstByteAt;
        this.totalAt = totalAt;
    }

    /**
     * Starts watching an exchange that starts now.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the watchdog is shut down (the process is stopping)
     */
    static ExchangeDeadline arm(ScheduledExecutorService watchdog, Timeouts timeouts) {
        long now = System.nanoTime();
        ExchangeDeadline deadline = new ExchangeDeadline(
                watchdog,
                timeouts.firstByte(),
                now + timeouts.firstByte().toNanos(),
                now + timeouts.total().toNanos());
        deadline.scheduleIn(
                Math.min(timeouts.firstByte().toNanos(), timeouts.total().toNanos()));
        return deadline;
    }

    /** The first-byte limit this exchange was armed with (a transport with its own head timeout uses it). */
    java.time.Duration firstByteLimit() {
        return firstByteLimit;
    }

    /** The cut before the transport registers one: nothing to close yet. */
    private static void noCut() {}

    /** What ends the exchange when a limit passes; replaces the previous cut (a retry's new connection). */
    void cutWith(Runnable newCut) {
        cut = newCut;
        if (passed != null) {
            newCut.run();
        }
    }

    /** The response head arrived: from now on only the total limit applies. */
    void answered() {
        answered = true;
    }

    /** The limit that passed, or null while none has. */
    Limit passed() {
        return passed;
    }

    /** The exchange is over; nothing is cut any more. */
    void disarm() {
        disarmed = true;
        synchronized (this) {
            if (task != null) {
                task.cancel(false);
            }
        }
    }

    private void scheduleIn(long nanos) {
        synchronized (this) {
            if (!disarmed) {
                task = watchdog.schedule(this::fire, nanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** On the watchdog's thread. The mark before the cut, so that the failure the cut causes sees it. */
    private void fire() {
        if (disarmed) {
            return;
        }
        long now = System.nanoTime();
        if (!answered && now - firstByteAt >= 0) {
            passed = Limit.FIRST_BYTE;
        } else if (now - totalAt >= 0) {
            passed = Limit.TOTAL;
        } else {
            scheduleIn((answered ? totalAt : Math.min(firstByteAt, totalAt)) - now);
            return;
        }
        cut.run();
    }
}
