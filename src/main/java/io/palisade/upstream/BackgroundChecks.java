package io.palisade.upstream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the gateway's own exchanges with backends (model discovery, health probes, pin checks) off
 * the request path and the start-up path: each check on its own virtual thread, so a backend that
 * accepts connections and never answers holds up only its own check, never another backend's, a
 * config reload, the listener or a request. At most one check per key runs at a time; a check
 * requested while its key is running is not queued beside it but run once more when it ends, so a
 * hung backend cannot pile up threads and a request made meanwhile (after a reload) is not lost.
 * A key names one check: the same key must always be requested with an equivalent task (one that
 * reads what it checks when it runs). Keys are backend names and such, bounded by the config.
 * Thread-safe.
 */
public final class BackgroundChecks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundChecks.class);

    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("palisade-backend-check-", 0).factory());
    /** A key is present while its check runs; the value says whether it was requested again meanwhile. */
    private final Map<String, Boolean> running = new ConcurrentHashMap<>();

    /** Starts {@code check} under {@code key} now, or once more after the run of {@code key} in progress; never waits. */
    public void request(String key, Runnable check) {
        boolean[] start = {false};
        running.compute(key, (k, again) -> {
            if (again == null) {
                start[0] = true;
                return false;
            }
            return true;
        });
        if (!start[0]) {
            return;
        }
        try {
            threads.execute(() -> runUntilSettled(key, check));
        } catch (RejectedExecutionException e) {
            running.remove(key); // closing: the gateway is stopping
        }
    }

    /** Whether a check under {@code key} is running now. */
    public boolean running(String key) {
        return running.containsKey(key);
    }

    private void runUntilSettled(String key, Runnable check) {
        boolean settled = false;
        try {
            while (!threads.isShutdown()) {
                try {
                    check.run();
                } catch (RuntimeException e) {
                    // A failure of one run must not stop the next; what the check learned is its own business.
                    LOG.error("background check {} failed: {}", key, e.toString());
                }
                Boolean again = running.compute(key, (k, requested) -> Boolean.TRUE.equals(requested) ? false : null);
                if (again == null) {
                    settled = true;
                    return;
                }
            }
        } finally {
            if (!settled) {
                running.remove(key); // an Error or the shutdown ended the runs: the key must not stay taken
            }
        }
    }

    /** Interrupts every check in progress (closing their sockets) and refuses new ones. */
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
