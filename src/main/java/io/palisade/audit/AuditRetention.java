package io.palisade.audit;

import io.palisade.store.StoreException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit retention (docs/backup.md, "Retention and archives"): records older than the retention
 * period are first archived ({@link AuditArchive}: a segment written and forced to disk), then
 * removed from the store with the chain's anchor moved past them ({@link ChainMaintenance}), so
 * verification proves the stored chain continues from the archived head. A segment holds at most
 * {@link #SEGMENT_RECORDS} records, read {@link #CHUNK} at a time; removal runs in short
 * transactions. The chain's last record is never removed (appenders link to it).
 *
 * <p>A pass interrupted between archive and removal (a crash) is finished by the next: a segment
 * whose records are still stored is checked against them (hash of its last record) and its
 * records removed, never archived twice. Runs on its own thread ("palisade-audit-retention"),
 * every {@link #PERIOD}; a failed pass is logged and retried with the next. Thread-safe.
 */
public final class AuditRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);
    static final Duration PERIOD = Duration.ofHours(1);
    static final int SEGMENT_RECORDS = 50_000;
    static final int CHUNK = 500;

    private final ChainMaintenance chain;
    private final AuditArchive archive;
    private final Duration keep;
    private final Clock clock;
    private final int segmentRecords;
    private volatile ScheduledExecutorService thread;
    private volatile boolean lastPassFailed;

    public AuditRetention(ChainMaintenance chain, AuditArchive archive, Duration keep, Clock clock) {
        this(chain, archive, keep, clock, SEGMENT_RECORDS);
    }

    /** {@code segmentRecords}: the most records per segment (tests use small ones). */
    AuditRetention(ChainMaintenance chain, AuditArchive archive, Duration keep, Clock clock, int segmentRecords) {
        this.segmentRecords = segmentRecords;
        this.chain = chain;
        this.archive = archive;
        this.keep = keep;
        this.clock = clock;
    }

    /** Runs a pass a minute after the start, then every {@link #PERIOD}. */
    public void start() {
        thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("palisade-audit-retention")
                .daemon(true)
                .factory());
        // The executor owns this periodic task and stops it when close() shuts it down.
        var unused = thread.scheduleWithFixedDelay(
                this::passLogged, TimeUnit.MINUTES.toMillis(1), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** False after a pass failed, until one succeeds. */
    public boolean healthy() {
        return !lastPassFailed;
    }

    private void passLogged() {
        try {
            long removed = pass();
            if (removed > 0) {
                LOG.info("audit retention archived and removed {} records to {}", removed, archive.directory());
            }
            lastPassFailed = false;
        } catch (IOException | RuntimeException e) {
            lastPassFailed = true;
            LOG.error("audit retention pass failed; retrying in {}: {}", PERIOD, e.toString());
        }
    }

    /** One pass: finishes an interrupted one, then archives and removes what expired. Returns the records removed. */
    public synchronized long pass() throws IOException {
        return pass(false);
    }

    /**
     * {@code stopAfterArchive}: write the segments but remove nothing, as a crash right after the
     * archive step would leave it (tests of the recovery).
     */
    synchronized long pass(boolean stopAfterArchive) throws IOException {
        archive.removeUnfinished();
        long archivedThrough =
                chain.anchor().map(ChainMaintenance.Anchor::archivedThrough).orElse(0L);
        long removed = 0;
        for (ArchiveSegment segment : archive.segments()) {
            if (segment.lastSeq() <= archivedThrough) {
                continue;
            }
            if (segment.firstSeq() > archivedThrough + 1) {
                throw new StoreException("the audit archive has no segment for records " + (archivedThrough + 1)
                        + " to " + (segment.firstSeq() - 1) + "; retention stops until it is restored");
            }
            // Archived by a pass that stopped before removing (all) its records.
            if (!stopAfterArchive) {
                removed += remove(archivedThrough, segment);
            }
            archivedThrough = segment.lastSeq();
        }
        Instant cutoff = clock.instant().minus(keep);
        while (true) {
            Optional<ArchiveSegment> segment = archiveExpired(archivedThrough, cutoff);
            if (segment.isEmpty()) {
                return removed;
            }
            if (!stopAfterArchive) {
                removed += remove(archivedThrough, segment.get());
            }
            archivedThrough = segment.get().lastSeq();
        }
    }

    private long remove(long archivedThrough, ArchiveSegment segment) {
        chain.removeArchived(
                archivedThrough,
                segment.lastSeq(),
                segment.lastHash(),
                clock.instant().toString());
        return segment.lastSeq() - archivedThrough;
    }

    /** Writes the next segment of expired records after {@code archivedThrough}; empty when none expired. */
    private Optional<ArchiveSegment> archiveExpired(long archivedThrough, Instant cutoff) throws IOException {
        String prevHash = archivedThrough == 0
                ? HashChain.GENESIS
                : chain.hashAt(archivedThrough).orElse(null);
        if (prevHash == null) {
            // Removed without an anchor move we know of: take the anchor's word (the verifier checks it).
            prevHash = chain.anchor().orElseThrow().prevHash();
        }
        try (AuditArchive.SegmentWriter writer = archive.startSegment(prevHash)) {
            long after = archivedThrough;
            while (writer.records() < segmentRecords) {
                int wanted = (int) Math.min(CHUNK, segmentRecords - writer.records());
                // One more than wanted: the last row read is held back, so the chain's head is never archived.
                List<AuditEvent> rows = chain.rowsAfter(after, wanted + 1);
                int usable = Math.min(wanted, rows.size() - 1);
                int taken = 0;
                while (taken < usable && expired(rows.get(taken), cutoff)) {
                    writer.add(rows.get(taken));
                    taken++;
                }
                if (taken == 0 || taken < usable) {
                    break;
                }
                after = rows.get(taken - 1).seq();
            }
            if (writer.records() == 0) {
                return Optional.empty();
            }
            return Optional.of(writer.finish());
        }
    }

    private static boolean expired(AuditEvent row, Instant cutoff) {
        try {
            return Instant.parse(row.at()).isBefore(cutoff);
        } catch (DateTimeParseException e) {
            // A record whose time cannot be read is kept: retention never guesses.
            return false;
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService thread = this.thread;
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
