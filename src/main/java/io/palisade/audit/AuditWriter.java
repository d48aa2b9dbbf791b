package io.palisade.audit;

import io.palisade.store.AuditStore;
import java.sql.Connection;
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
 * queued, chains it and commits it in a single transaction. Under load many requests share one
 * fsync; idle, a record commits alone with no added delay.
 *
 * <p>Thread-safe. A failed commit fails every future of that batch (callers then fail closed) and
 * the writer re-reads the chain's tail so the next batch links to what is really stored.
 */
public final class AuditWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    private static final Pending STOP = new Pending(null, null);

    private final AuditStore store;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Connection connection;
    private long lastSeq;
    private String lastHash;
    private volatile boolean closed;
    private volatile boolean lastCommitFailed;

    public AuditWriter(AuditStore store, int maxBatch) {
        this.store = store;
        this.maxBatch = maxBatch;
        this.connection = store.writerConnection();
        readTail();
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
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            LOG.warn("closing the audit connection failed: {}", e.getMessage());
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
    }

    private void commit(List<Pending> batch) {
        List<AuditEvent> chained = new ArrayList<>(batch.size());
        long seq = lastSeq;
        String hash = lastHash;
        for (Pending pending : batch) {
            AuditEvent event = pending.event().chained(++seq, hash);
            hash = event.hash();
            chained.add(event);
        }
        try {
            store.append(connection, chained);
            lastSeq = seq;
            lastHash = hash;
            lastCommitFailed = false;
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).future().complete(chained.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("audit commit of {} records failed: {}", batch.size(), e.getMessage());
            lastCommitFailed = true;
            for (Pending pending : batch) {
                pending.future().completeExceptionally(e);
            }
            try {
                readTail();
            } catch (RuntimeException tailFailure) {
                LOG.error("cannot re-read the audit chain's tail: {}", tailFailure.getMessage());
            }
        }
    }

    private void readTail() {
        try {
            AuditEvent last = store.last(connection);
            lastSeq = last == null ? 0 : last.seq();
            lastHash = last == null ? HashChain.GENESIS : last.hash();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit chain's tail: " + e.getMessage(), e);
        }
    }

    private record Pending(AuditEvent event, CompletableFuture<AuditEvent> future) {}
}
