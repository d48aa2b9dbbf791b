package io.palisade.assembly;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A capability's own scheduler: one named platform daemon thread (its tasks never overlap; a
 * platform thread so a deadline fires on time even when every virtual-thread carrier is busy).
 * Cancelled tasks leave the queue at once, so cancelled deadlines never pile up. The assembly that
 * creates one shuts it down in its own {@code close()}, after cancelling what it scheduled.
 */
final class SchedulerThread {
    private SchedulerThread() {}

    static ScheduledThreadPoolExecutor named(String name) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name(name).daemon(true).factory());
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }
}
