package io.palisade.admission;

import io.palisade.store.UsageStore;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes usage rows in batches from one background thread, so the request path only queues.
 * Usage is for reports, costs and seeding budget counters; the audit, not this, is the record of
 * proof. A crash can lose the last fraction of a second of rows (see docs/admission.md).
 *
 * <p>Nothing accepted is dropped when the store fails: a batch it refuses joins a backlog in
 * memory, retried on this recorder's thread with backoff ({@link #GATHER_MILLIS} doubling up to
 * {@link #MAX_BACKOFF_MILLIS}); past {@code maxBacklogRows} in memory, and at close while still
 * failing, the backlog is appended to the {@link UsageSpool} in the data directory, replayed at
 * start and on every retry. Rows carry their own id and the store skips ids it has, so a retry
 * after a commit that failed halfway (or succeeded unacknowledged) counts each row once.
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
    /** The longest wait between two tries while the store fails: how far behind usage stays once it is back. */
    static final long MAX_BACKOFF_MILLIS = 10_000;
    /** Rows kept in memory while the store fails (some 300 bytes each) before they go to the spool. */
    public static final int DEFAULT_MAX_BACKLOG_ROWS = 50_000;

    private final UsageStore store;
    private final UsageSpool spool;
    private final int maxBacklogRows;
    private final BlockingQueue<UsageStore.UsageEvent> queue = new LinkedBlockingQueue<>();
    /** Rows the store refused, oldest first; guarded by this. Older rows than these are in the spool. */
    private final ArrayDeque<UsageStore.UsageEvent> backlog = new ArrayDeque<>();

    private final AtomicLong writeFailures = new AtomicLong();
    private volatile long backlogRows;
    /** Guarded by this. */
    private long backoffMillis;

    private long nextTryNanos;
    private final Thread thread;
    private volatile boolean closed;

    /** Spools to {@code spoolFile} when the store fails; replays what an earlier run left there before returning. */
    public UsageRecorder(UsageStore store, Path spoolFile) {
        this(store, spoolFile, DEFAULT_MAX_BACKLOG_ROWS);
    }

    UsageRecorder(UsageStore store, Path spoolFile, int maxBacklogRows) {
        this.store = store;
        this.spool = new UsageSpool(spoolFile);
        this.maxBacklogRows = maxBacklogRows;
        if (spool.rows() > 0) {
            LOG.info("replaying {} usage rows spooled by an earlier run from {}", spool.rows(), spoolFile);
        }
        flush(true);
        this.thread =
                Thread.ofPlatform().name("palisade-usage-writer").daemon(true).start(this::run);
    }

    public void record(UsageStore.UsageEvent event) {
        queue.add(event);
    }

    /**
     * Writes everything queued so far (the writer thread every GATHER_MILLIS, tests, shutdown), as
     * one {@link UsageStore#insert}, after retrying the backlog and the spool, whatever the backoff.
     * Only what was queued when it began: rows arriving meanwhile wait for the next call. Draining
     * until the queue is empty never returned under steady load and turned the gathering into one
     * small transaction after another, each with its fsync and a new connection, which is what
     * GATHER_MILLIS exists to prevent.
     */
    public void flush() {
        flush(true);
    }

    /** Rows accepted but not yet stored because the store failed: in memory and in the spool. */
    public long backlogRows() {
        return backlogRows;
    }

    /** Writes to the store that failed since start (each retry that fails counts). */
    public long writeFailures() {
        return writeFailures.get();
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
        synchronized (this) {
            flush(true);
            if (!backlog.isEmpty()) {
                int rows = backlog.size();
                spill();
                if (backlog.isEmpty()) {
                    LOG.warn(
                            "the store is failing: {} usage rows kept in {}, written at the next start",
                            rows,
                            spool.file());
                }
            }
        }
    }

    /**
     * Writes what has queued every {@link #GATHER_MILLIS}; retries the backlog when its backoff
     * has passed. Rows stay in the queue until taken under the lock, so {@link #flush()} always
     * sees every row not yet written.
     */
    private void run() {
        while (!closed) {
            try {
                Thread.sleep(GATHER_MILLIS);
            } catch (InterruptedException e) {
                return; // close() flushes what is left
            }
            flush(false);
        }
    }

    /** {@code retryNow}: try the backlog even if its backoff has not passed. */
    private synchronized void flush(boolean retryNow) {
        int queued = queue.size();
        List<UsageStore.UsageEvent> batch = new ArrayList<>(queued);
        queue.drainTo(batch, queued);
        if (backlog.isEmpty() && spool.rows() == 0) {
            if (!batch.isEmpty() && !write(batch)) {
                backlog.addAll(batch);
            }
        } else {
            // Behind: new rows queue after the old ones, and the store is tried only when due.
            backlog.addAll(batch);
            if (retryNow || System.nanoTime() - nextTryNanos >= 0) {
                catchUp();
            }
        }
        if (backlog.size() > maxBacklogRows) {
            spill();
        }
        backlogRows = backlog.size() + spool.rows();
    }

    /** Replays the spool, then writes the backlog; stops at the first failure. */
    private void catchUp() {
        if (spool.rows() > 0) {
            try {
                spool.replay(store::insert);
            } catch (RuntimeException e) {
                failed(spool.rows(), e);
                return;
            }
        }
        if (!backlog.isEmpty() && write(new ArrayList<>(backlog))) {
            backlog.clear();
        }
    }

    private boolean write(List<UsageStore.UsageEvent> rows) {
        try {
            store.insert(rows);
            backoffMillis = 0;
            return true;
        } catch (RuntimeException e) {
            failed(rows.size(), e);
            return false;
        }
    }

    private void failed(long rows, RuntimeException e) {
        writeFailures.incrementAndGet();
        backoffMillis = backoffMillis == 0 ? GATHER_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        nextTryNanos = System.nanoTime() + backoffMillis * 1_000_000;
        LOG.error("could not record {} usage rows (kept, next try in {} ms): {}", rows, backoffMillis, e.getMessage());
    }

    /** Moves the backlog to the spool; if even that fails, it stays in memory (and the error is logged). */
    private void spill() {
        try {
            spool.append(new ArrayList<>(backlog));
            backlog.clear();
        } catch (UncheckedIOException e) {
            LOG.error("usage rows stay in memory only: {}", e.getMessage());
        }
    }
}
