package io.palisade.admission;

import io.palisade.store.UsageStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes usage rows in batches from one background thread, so the request path only queues.
 * Usage is for reports and for seeding budget counters; the audit, not this, is the record of
 * proof. A crash can lose the last fraction of a second of rows (see docs/admission.md).
 * Thread-safe.
 */
public final class UsageRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);
    /**
     * How long rows gather before they are written. Every write takes the store's single write
     * turn, which the audit's group commit (on the request path) then waits for, and opens a
     * connection; a few batches a second instead of one per request keep that wait rare (the store
     * writes a batch in short transactions, see {@link UsageStore#insert}). Within the "fraction of
     * a second" a crash may lose.
     */
    private static final long GATHER_MILLIS = 200;

    private final UsageStore store;
    private final BlockingQueue<UsageStore.UsageEvent> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    public UsageRecorder(UsageStore store) {
        this.store = store;
        this.thread = Thread.ofPlatform().name("palisade-usage-writer").daemon(true).start(this::run);
    }

    public void record(UsageStore.UsageEvent event) {
        queue.add(event);
    }

    /**
     * Writes everything queued so far (the writer thread every GATHER_MILLIS, tests, shutdown), as
     * one {@link UsageStore#insert}. Only what was queued when it began: rows arriving meanwhile
     * wait for the next call. Draining until the queue is empty never returned under steady load and turned
     * the gathering into one small transaction after another, each with its fsync and a new
     * connection, which is what GATHER_MILLIS exists to prevent.
     */
    public void flush() {
        synchronized (this) {
            int queued = queue.size();
            if (queued == 0) {
                return;
            }
            List<UsageStore.UsageEvent> batch = new ArrayList<>(queued);
            queue.drainTo(batch, queued);
            write(batch);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    /**
     * Writes what has queued every {@link #GATHER_MILLIS}. Rows stay in the queue until written
     * under the lock, so {@link #flush()} always sees every row not yet written.
     */
    private void run() {
        while (!closed) {
            try {
                Thread.sleep(GATHER_MILLIS);
            } catch (InterruptedException e) {
                return; // close() flushes what is left
            }
            flush();
        }
    }

    private void write(List<UsageStore.UsageEvent> batch) {
        try {
            store.insert(batch);
        } catch (RuntimeException e) {
            LOG.error("could not record {} usage rows: {}", batch.size(), e.getMessage());
        }
    }
}
