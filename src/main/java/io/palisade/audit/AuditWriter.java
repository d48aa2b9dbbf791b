package io.palisade.audit;

import io.palisade.store.AuditAppender;
import io.palisade.store.AuditStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the audit chain. Request threads {@link #submit} events and, where durability
 * must precede an action, wait on the returned future; one writer thread drains whatever has
 * queued and has the store chain and commit it in a single transaction. Under load many requests
 * share one fsync; idle, a record commits alone with no added delay.
 *
 * <p>The writer remembers nothing about the chain: {@link AuditAppender#append} reads the tail
 * under the chain lock in the same transaction that inserts, so writers in several replicas (or
 * processes) can share one chain. Thread-safe. A failed commit fails every future of that batch
 * (callers then fail closed); the next batch links to whatever is really stored, over a fresh
 * connection in case the failure was the connection's.
 */
public final class AuditWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    private static final Pending STOP = new Pending(null, null);
    /** After this long unused, the connection is checked before a batch: servers and firewalls drop idle connections. */
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * How long a batch nobody waits for (only "completed" rows) may wait for company. Without it,
     * one caller at a time pays two fsyncs per request: its "started" row queues behind the
     * previous request's lone "completed" commit. Short enough that a crash loses no more than
     * the design already allows (a completion, never a start).
     */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final AuditStore store;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final CommitObserver observer;
    /** Used only by the writer thread (which closes it when it stops); null after a failure until the next batch. */
    private AuditAppender appender;
    private long appenderUsedAt = System.nanoTime();
    private volatile boolean closed;
    private volatile boolean lastCommitFailed;

    /** Hears every group commit: its duration, or its failure (metrics). Called on the writer thread. */
    public interface CommitObserver {
        CommitObserver NONE = new CommitObserver() {
            @Override
            public void committed(int records, long nanos) {}

            @Override
            public void failed(int records) {}
        };

        void committed(int records, long nanos);

        void failed(int records);
    }

    public AuditWriter(AuditStore store, int maxBatch) {
        this(store, maxBatch, CommitObserver.NONE);
    }

    public AuditWriter(AuditStore store, int maxBatch, CommitObserver observer) {
        this.store = store;
        this.maxBatch = maxBatch;
        this.observer = observer;
        // Connecting here, not on the writer thread, makes an unreachable store fail the start.
        this.appender = store.appender();
        this.thread = Thread.ofPlatform().name("palisade-audit-writer").daemon(true).unstarted(this::run);
        this.thread.start();
    }

    /** Queues {@code event}; the future completes with the committed (chained) row. */
    public CompletableFuture<AuditEvent> submit(AuditEvent event) {
        CompletableFuture<AuditEvent> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new IllegalStateException("audit writer is closed"));
            return future;
        }
        queue.add(new Pending(event, future));
        return future;
    }

    /** False once closed or after the last commit failed; true again after a commit succeeds. */
    public boolean healthy() {
        return !closed && !lastCommitFailed;
    }

    public int queueDepth() {
        return queue.size();
    }

    /** Commits everything queued so far, then stops the writer. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                stopping = true;
            }
            queue.drainTo(batch, maxBatch - batch.size());
            if (!stopping) {
                try {
                    lingerWhileNobodyWaits(batch);
                } catch (InterruptedException e) {
                    stopping = true;
                }
            }
            if (batch.remove(STOP)) {
                stopping = true;
                queue.drainTo(batch);
                batch.remove(STOP);
            }
            if (!batch.isEmpty()) {
                commit(batch);
            }
            batch.clear();
        }
        closeAppender();
    }

    /**
     * Adds to a batch of rows that nobody waits on whatever arrives within {@link #LINGER_NANOS},
     * and stops at once when a row someone waits on (or the stop signal) arrives, so a waiting
     * caller is never held up by the linger.
     */
    private void lingerWhileNobodyWaits(List<Pending> batch) throws InterruptedException {
        long deadline = System.nanoTime() + LINGER_NANOS;
        int checked = 0;
        while (batch.size() < maxBatch) {
            for (; checked < batch.size(); checked++) {
                if (someoneWaits(batch.get(checked))) {
                    return;
                }
            }
            long left = deadline - System.nanoTime();
            // Past the deadline (the thread may have been descheduled), still take what already arrived.
            Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    /** Everything but a "completed" row has a caller waiting for its commit ("started", "denied", "admin"). */
    private static boolean someoneWaits(Pending pending) {
        return pending == STOP || !AuditEvent.COMPLETED.equals(pending.event().kind());
    }

    private void commit(List<Pending> batch) {
        List<AuditEvent> unchained = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            unchained.add(pending.event());
        }
        long start = System.nanoTime();
        try {
            List<AuditEvent> chained = appender().append(unchained);
            lastCommitFailed = false;
            observer.committed(batch.size(), System.nanoTime() - start);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).future().complete(chained.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("audit commit of {} records failed: {}", batch.size(), e.getMessage());
            lastCommitFailed = true;
            observer.failed(batch.size());
            for (Pending pending : batch) {
                pending.future().completeExceptionally(e);
            }
            closeAppender();
        }
    }

    /** The writer's connection, replaced if it was dropped while idle (a dropped one would fail a batch, refusing requests). */
    private AuditAppender appender() {
        long now = System.nanoTime();
        if (appender != null && now - appenderUsedAt > IDLE_CHECK_NANOS && !appender.isValid(5)) {
            LOG.warn("the audit connection was lost while idle; reconnecting");
            closeAppender();
        }
        if (appender == null) {
            appender = store.appender();
        }
        appenderUsedAt = now;
        return appender;
    }

    private void closeAppender() {
        if (appender != null) {
            appender.close();
            appender = null;
        }
    }

    private record Pending(AuditEvent event, CompletableFuture<AuditEvent> future) {}
}
