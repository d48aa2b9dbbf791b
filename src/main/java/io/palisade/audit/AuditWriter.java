package io.palisade.audit;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 *
 * <p>No caller waits longer than {@link #MAX_WAIT}: a watch on the watchdog fails the futures of
 * rows queued or being committed for longer (a disk that does not return from {@code fsync}, a
 * lock held elsewhere), so callers fail closed instead of hanging. Callers therefore wait without
 * a timeout of their own: on a virtual thread a timed wait costs a timer on the JDK's scheduler,
 * waking its thread twice per request (docs/performance.md, finding 18).
 */
public final class AuditWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    /** The longest a caller waits for its row's commit before the row's future fails. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private static final Pending STOP = new Pending(null, null, 0);
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
    private final long maxWaitNanos;
    /** How often the watch looks for overdue rows, and how often an unready writer with nothing to commit probes the store. */
    private final long periodNanos;

    private final ScheduledFuture<?> watch;
    /** The batch in the writer's hands and since when, for the watch; empty between commits. */
    private volatile List<Pending> committing = List.of();

    private volatile long committingSince;
    /** Used only by the writer thread (which closes it when it stops); null after a failure until the next batch. */
    private AuditAppender appender;

    private long appenderUsedAt = System.nanoTime();
    private volatile boolean closed;
    private volatile boolean lastCommitFailed;

    /**
     * Hears every group commit: its duration, or its failure (metrics). Called on the writer
     * thread, and on the watchdog's when rows are failed as overdue (thread-safe implementations).
     */
    public interface CommitObserver {
        CommitObserver NONE = new CommitObserver() {
            @Override
            public void committed(int records, long nanos) {}

            @Override
            public void failed(int records) {}
        };

        void committed(int records, long nanos);

        void failed(int records);

        /**
         * The chain's head after a successful commit: this writer's last row, in chain order.
         * Must not wait: it runs on the writer thread, before the batch's callers are released
         * (checkpoints: {@link CheckpointWriter#headCommitted}).
         */
        default void headCommitted(long seq, String hash) {}
    }

    /** Watched on {@code watchdog} (whose tasks must never wait), every {@link #MAX_WAIT} / 10. */
    public AuditWriter(AuditStore store, int maxBatch, CommitObserver observer, ScheduledExecutorService watchdog) {
        this(store, maxBatch, observer, watchdog, MAX_WAIT);
    }

    AuditWriter(
            AuditStore store,
            int maxBatch,
            CommitObserver observer,
            ScheduledExecutorService watchdog,
            Duration maxWait) {
        this.store = store;
        this.maxBatch = maxBatch;
        this.observer = observer;
        this.maxWaitNanos = maxWait.toNanos();
        // Connecting here, not on the writer thread, makes an unreachable store fail the start.
        this.appender = store.appender();
        this.periodNanos =
                Math.clamp(maxWaitNanos / 10, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
        this.watch = watchdog.scheduleWithFixedDelay(this::failOverdue, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        this.thread =
                Thread.ofPlatform().name("palisade-audit-writer").daemon(true).unstarted(this::run);
        this.thread.start();
    }

    /** Queues {@code event}; the future completes with the committed (chained) row. */
    public CompletableFuture<AuditEvent> submit(AuditEvent event) {
        CompletableFuture<AuditEvent> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new IllegalStateException("audit writer is closed"));
            return future;
        }
        queue.add(new Pending(event, future, System.nanoTime()));
        return future;
    }

    /**
     * False once closed, after the last commit failed or rows were failed as overdue; true again
     * after a commit succeeds, or when idle, once a probe finds the store takes commits again.
     */
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
        watch.cancel(false);
    }

    /**
     * Fails the futures of rows queued or in a commit for longer than the longest wait. On the
     * watchdog's thread; never waits. A row failed here may still be committed later (the store
     * came back): its caller has been refused, so the trail shows a start without a completion.
     */
    void failOverdue() {
        long now = System.nanoTime();
        List<Pending> overdue = new ArrayList<>();
        List<Pending> inCommit = committing;
        if (!inCommit.isEmpty() && now - committingSince > maxWaitNanos) {
            overdue.addAll(inCommit);
        }
        Pending oldest = queue.peek();
        // The common case ends here: the queue is in order, so nothing behind a fresh head is older.
        if (oldest != null && now - oldest.queuedAt() > maxWaitNanos) {
            for (Pending pending : queue) {
                if (now - pending.queuedAt() <= maxWaitNanos) {
                    break;
                }
                if (!isStop(pending)) {
                    overdue.add(pending);
                }
            }
        }
        overdue.removeIf(pending -> pending.future().isDone());
        if (overdue.isEmpty()) {
            return;
        }
        // Unready before any caller hears of the failure, so a caller that then asks for readiness is told the truth.
        lastCommitFailed = true;
        String message = "the audit store did not commit within " + TimeUnit.NANOSECONDS.toMillis(maxWaitNanos) + " ms";
        int failed = 0;
        for (Pending pending : overdue) {
            failed += pending.future().completeExceptionally(new TimeoutException(message)) ? 1 : 0;
        }
        observer.failed(failed);
        LOG.error(
                "the audit store has not committed for over {} ms; {} records waiting for it were failed, their requests refused",
                TimeUnit.NANOSECONDS.toMillis(maxWaitNanos),
                failed);
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                Pending first = lastCommitFailed ? queue.poll(periodNanos, TimeUnit.NANOSECONDS) : queue.take();
                if (first == null) {
                    probe();
                    continue;
                }
                batch.add(first);
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

    /** The shutdown marker is one instance, compared by identity: a record's equals would compare its fields. */
    @SuppressWarnings("ReferenceEquality")
    private static boolean isStop(Pending pending) {
        return pending == STOP;
    }

    /** Everything but a "completed" row has a caller waiting for its commit ("started", "denied", "admin"). */
    private static boolean someoneWaits(Pending pending) {
        return isStop(pending) || !AuditEvent.COMPLETED.equals(pending.event().kind());
    }

    private void commit(List<Pending> batch) {
        List<AuditEvent> unchained = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            unchained.add(pending.event());
        }
        long start = System.nanoTime();
        committingSince = start;
        committing = List.copyOf(batch);
        try {
            List<AuditEvent> chained = appender().append(unchained);
            lastCommitFailed = false;
            observer.committed(batch.size(), System.nanoTime() - start);
            AuditEvent head = chained.getLast();
            observer.headCommitted(head.seq(), head.hash());
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
        } finally {
            committing = List.of();
        }
    }

    /**
     * Clears the unready mark once the store would take a commit again. Without it a replica made
     * unready by a failed commit would stay so for good: unready, it gets no traffic, so no commit.
     */
    private void probe() {
        try {
            appender().probe();
            lastCommitFailed = false;
            LOG.info("the audit store takes commits again");
        } catch (SQLException | RuntimeException e) {
            LOG.debug("the audit store still does not take commits: {}", e.getMessage());
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

    private record Pending(AuditEvent event, CompletableFuture<AuditEvent> future, long queuedAt) {}
}
