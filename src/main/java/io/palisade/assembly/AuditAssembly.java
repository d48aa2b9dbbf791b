package io.palisade.assembly;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.audit.AuditArchive;
import io.palisade.audit.AuditErasure;
import io.palisade.audit.AuditRecords;
import io.palisade.audit.AuditRetention;
import io.palisade.audit.AuditTrail;
import io.palisade.audit.AuditVerifier;
import io.palisade.audit.AuditWriter;
import io.palisade.audit.CheckpointKey;
import io.palisade.audit.CheckpointWriter;
import io.palisade.audit.OpenRequests;
import io.palisade.config.AuditConfig;
import io.palisade.config.PalisadeConfig;
import io.palisade.metrics.GatewayMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.LoggerFactory;

/**
 * The audit chain: the group-committing writer ("palisade-audit-writer") and its watch for overdue
 * commits ("palisade-audit-watch": a thread of its own that never waits, so callers are failed on
 * time however long the store keeps the writer), the checkpoints that anchor its head outside the
 * store ("palisade-audit-checkpoints"), the trail every capability records through, and the
 * verifier and reader the admin API serves.
 */
public final class AuditAssembly implements Assembly {
    private final ScheduledThreadPoolExecutor watch;
    private final CheckpointWriter checkpoints;
    private final AuditWriter writer;
    private final AuditTrail trail;
    private final AuditVerifier verifier;
    private final AuditRecords records;
    private final OpenRequests openRequests;
    private final AuditArchive archive;
    /** Null when no retention is configured. */
    private final AuditRetention retention;

    private final AuditErasure erasure;
    /** Steps that need every audit record committed, run at close after the writer's last commit. */
    private final List<Runnable> afterLastCommit = new ArrayList<>();

    public AuditAssembly(
            PalisadeConfig config,
            StoreAssembly store,
            ObservabilityAssembly observability,
            ObjectMapper json,
            Clock clock) {
        GatewayMetrics metrics = observability.metrics();
        // Anchors of the chain's head outside the store (docs/security.md): this replica's own file, and the log.
        AuditConfig.Checkpoints checkpointConfig = config.audit().checkpoints();
        Path checkpointFile = checkpointConfig.fileFor(config.storeUrl());
        CheckpointKey checkpointKey = CheckpointKey.of(checkpointConfig.key());
        this.checkpoints = new CheckpointWriter(
                checkpointFile, checkpointKey, checkpointConfig.interval(), checkpointConfig.everyRecords(), clock);
        metrics.gauge(
                "palisade_audit_checkpoint_failing",
                "1 while audit checkpoints cannot be written to their file",
                () -> checkpoints.healthy() ? 0 : 1);
        this.watch = SchedulerThread.named("palisade-audit-watch");
        try {
            this.writer = writer(config, store, metrics, watch);
        } catch (RuntimeException e) {
            // Their threads are running; this assembly was not started, so no one else will stop them.
            watch.shutdownNow();
            checkpoints.close();
            throw e;
        }
        metrics.gauge("palisade_audit_queue_depth", "Audit records waiting for their group commit", writer::queueDepth);
        this.verifier = new AuditVerifier(store.audit(), List.of(checkpointFile), checkpointKey);
        // Requests between their "started" row and their completion, and the chain position below
        // which none is open: what a restart after a crash must read to charge them (AdmissionAssembly).
        this.openRequests =
                new OpenRequests(UUID.randomUUID().toString(), store.audit().lastSeq());
        this.trail = new AuditTrail(writer, clock, json, openRequests);
        this.records = new AuditRecords(store.audit(), json);
        // Retention and its archive (docs/backup.md, "Retention and archives"); erasure rewrites the archive too.
        AuditConfig.Retention retentionConfig = config.audit().retention();
        this.archive = new AuditArchive(retentionConfig.directoryFor(config.storeUrl()));
        this.erasure = new AuditErasure(store.audit().maintenance(), archive);
        if (retentionConfig.enabled()) {
            this.retention = new AuditRetention(store.audit().maintenance(), archive, retentionConfig.after(), clock);
            retention.start();
            metrics.gauge(
                    "palisade_audit_retention_failing",
                    "1 while the last audit retention pass failed",
                    () -> retention.healthy() ? 0 : 1);
        } else {
            this.retention = null;
        }
    }

    private AuditWriter writer(
            PalisadeConfig config, StoreAssembly store, GatewayMetrics metrics, ScheduledExecutorService watch) {
        return new AuditWriter(
                store.audit(),
                config.audit().groupCommitMaxBatch(),
                new AuditWriter.CommitObserver() {
                    @Override
                    public void committed(int records, long nanos) {
                        metrics.auditCommitted(nanos);
                    }

                    @Override
                    public void failed(int records) {
                        metrics.auditCommitFailed();
                    }

                    @Override
                    public void headCommitted(long seq, String hash) {
                        checkpoints.headCommitted(seq, hash);
                    }
                },
                watch);
    }

    public AuditTrail trail() {
        return trail;
    }

    /**
     * Runs {@code step} at close, once the writer has committed its last record (and before the
     * store closes): e.g. marking this process ended, which is only true once every request's
     * completion is on disk. Called while the assemblies are built, on the starting thread.
     */
    public void afterLastCommit(Runnable step) {
        afterLastCommit.add(step);
    }

    public OpenRequests openRequests() {
        return openRequests;
    }

    public AuditVerifier verifier() {
        return verifier;
    }

    public AuditRecords records() {
        return records;
    }

    public AuditErasure erasure() {
        return erasure;
    }

    /** Whether audit commits succeed (part of readiness: nothing is served that cannot be audited). */
    public boolean ready() {
        return writer.healthy();
    }

    @Override
    public void close() {
        if (retention != null) {
            retention.close();
        }
        // Commits every queued record first (its watch still failing overdue callers meanwhile); then the
        // checkpoints, whose last one anchors that final head; the watch's thread last.
        writer.close();
        for (Runnable step : afterLastCommit) {
            try {
                step.run();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(AuditAssembly.class).error("a step after the audit's last commit failed", e);
            }
        }
        checkpoints.close();
        watch.shutdownNow();
    }
}
