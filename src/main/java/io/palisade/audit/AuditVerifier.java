package io.palisade.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Walks the whole chain and reports the first broken link: a row whose content no longer matches
 * its hash (altered), whose sequence number skips (removed) or whose previous-hash does not name
 * the row before it (removed or reordered).
 *
 * <p>Rows removed from the very end, or a chain rewritten and re-hashed after a removal, leave no
 * broken link; only something held outside the store shows them. So the chain is also checked
 * against the checkpoints in the given files ({@link CheckpointWriter} writes them): a checkpoint
 * beyond the chain's end is a missing tail; one whose hash differs from the record at its seq is
 * rewritten history; one with a bad signature (or none, when a key is configured) is a forged
 * checkpoint. {@link Result#anchoring()} says how far the chain is anchored: records after the
 * highest matching checkpoint could still be removed unnoticed (docs/security.md). Memory is
 * bounded (rows are streamed; see {@link CheckpointFiles}). Thread-safe: each verify reads afresh.
 */
public final class AuditVerifier {
    /** At most this many checkpoint problems are listed; all are counted. */
    static final int MAX_LISTED_PROBLEMS = 20;

    private final AuditStore store;
    private final List<Path> checkpointFiles;
    private final CheckpointKey key;
    /** Null: the archive is not read. */
    private final AuditArchive archive;

    /** Checks the chain only, against no checkpoints. */
    public AuditVerifier(AuditStore store) {
        this(store, List.of(), CheckpointKey.NONE);
    }

    /** Checks the chain and the checkpoints in {@code checkpointFiles} (signatures with {@code key}, when present). */
    public AuditVerifier(AuditStore store, List<Path> checkpointFiles, CheckpointKey key) {
        this(store, checkpointFiles, key, null);
    }

    /**
     * As above, and, when {@code archive} is not null, the archived records first: every segment's
     * checksum, every record's hash, the chain from record 1 through the archive into the store.
     * Without it, the stored chain is checked from its anchor (the last archived record's hash, as
     * the store recorded it) and checkpoints of archived records are counted, not checked.
     */
    public AuditVerifier(AuditStore store, List<Path> checkpointFiles, CheckpointKey key, AuditArchive archive) {
        this.store = store;
        this.checkpointFiles = List.copyOf(checkpointFiles);
        this.key = key;
        this.archive = archive;
    }

    /**
     * {@code intact} when the chain has no broken link and no checkpoint contradicts it;
     * {@code firstBrokenSeq} and {@code problem} name the first broken link, else the first
     * checkpoint problem (-1 and null when intact). {@code records} counts the records read,
     * archived ones included when the archive was read.
     */
    public record Result(
            boolean intact,
            long records,
            long firstBrokenSeq,
            String problem,
            String headHash,
            Anchoring anchoring,
            Archive archive) {
        /** Of a chain nothing was archived from, or whose archive was not asked about. */
        public Result(
                boolean intact,
                long records,
                long firstBrokenSeq,
                String problem,
                String headHash,
                Anchoring anchoring) {
            this(intact, records, firstBrokenSeq, problem, headHash, anchoring, Archive.NONE);
        }
    }

    /**
     * What was archived and what of it was checked.
     *
     * @param archivedThrough the last record removed from the store (0: none), by the store's anchor
     * @param directory the archive read, null when none was
     * @param segments the segments read
     * @param uncheckedCheckpoints checkpoints of archived records that were not compared (no archive read)
     */
    public record Archive(long archivedThrough, Path directory, long segments, long uncheckedCheckpoints) {
        public static final Archive NONE = new Archive(0, null, 0, 0);

        public boolean checked() {
            return directory != null;
        }
    }

    /**
     * How the chain stands against its checkpoints.
     *
     * @param files the checkpoint files read
     * @param missingFiles those of them that do not exist
     * @param checkpoints valid checkpoints read
     * @param signaturesChecked whether a key checked the signatures (false without a key)
     * @param anchoredSeq the highest record a checkpoint matched (0: none)
     * @param anchoredAt when that checkpoint was written (null: none)
     * @param anchoredBy where it was read, FILE:LINE (null: none)
     * @param problems the first {@link #MAX_LISTED_PROBLEMS} checkpoint problems
     * @param problemCount all checkpoint problems
     */
    public record Anchoring(
            List<Path> files,
            List<Path> missingFiles,
            long checkpoints,
            boolean signaturesChecked,
            long anchoredSeq,
            Instant anchoredAt,
            String anchoredBy,
            List<Problem> problems,
            long problemCount) {}

    public enum ProblemKind {
        /** Records a checkpoint anchors are gone from the end of the chain. */
        MISSING_TAIL,
        /** The record at a checkpoint's seq has another hash, or is missing: history before it was rewritten. */
        REWRITTEN,
        /** A checkpoint's signature does not verify with the key. */
        BAD_SIGNATURE,
        /** A checkpoint carries no signature although a key is configured. */
        UNSIGNED_CHECKPOINT,
        /** A line of a checkpoint file is not a checkpoint. */
        MALFORMED_CHECKPOINT,
        /** A checkpoint file exists but cannot be read. */
        UNREADABLE_CHECKPOINTS
    }

    /** One checkpoint problem; {@code seq} is the record concerned, or -1. */
    public record Problem(ProblemKind kind, long seq, String detail) {}

    public Result verify() {
        Problems problems = new Problems();
        CheckpointFiles checkpoints = new CheckpointFiles(key, problems);
        checkpointFiles.forEach(checkpoints::read);
        State state = new State(checkpoints.kept().entrySet().iterator(), problems);
        ChainMaintenance.Anchor anchor = store.anchor().orElse(null);
        long archivedThrough = anchor == null ? 0 : anchor.archivedThrough();
        Archive archived;
        if (archive != null) {
            long segments = readArchive(state, anchor);
            archived = new Archive(archivedThrough, archive.directory(), segments, 0);
            store.scanAfter(state.lastSeq, state::accept);
        } else {
            long unchecked = 0;
            if (anchor != null) {
                unchecked = state.startAfterArchive(anchor);
            }
            archived = new Archive(archivedThrough, null, 0, unchecked);
            store.scan(state::accept);
        }
        state.finish();
        Anchoring anchoring = new Anchoring(
                checkpointFiles,
                List.copyOf(checkpoints.missing()),
                checkpoints.valid(),
                key.isPresent(),
                state.anchoredSeq,
                state.anchor == null ? null : state.anchor.checkpoint().at(),
                state.anchor == null ? null : state.anchor.where(),
                List.copyOf(problems.listed),
                problems.count);
        if (state.problem != null) {
            return new Result(
                    false, state.records, state.brokenSeq, state.problem, state.lastHash, anchoring, archived);
        }
        if (problems.count > 0) {
            Problem first = problems.listed.getFirst();
            return new Result(false, state.records, first.seq(), first.detail(), state.lastHash, anchoring, archived);
        }
        return new Result(true, state.records, -1, null, state.lastHash, anchoring, archived);
    }

    /**
     * Reads the archive's segments into {@code state} in chain order: each must follow the one
     * before, match its checksum and its sidecar's anchors, and together they must reach the
     * store's anchor. Returns the segments read. The store is read after the last archived record
     * (records both archived and still stored, from an interrupted retention pass, are read once).
     */
    private long readArchive(State state, ChainMaintenance.Anchor anchor) {
        List<ArchiveSegment> segments;
        try {
            segments = archive.segments();
        } catch (IOException e) {
            state.fail(1, "the archive " + archive.directory() + " cannot be read: " + e.getMessage());
            return 0;
        }
        long read = 0;
        for (ArchiveSegment segment : segments) {
            if (state.problem != null) {
                return read;
            }
            String name = archive.directory().resolve(segment.sidecarName()).toString();
            if (segment.firstSeq() != state.lastSeq + 1 || !segment.prevHash().equals(state.lastHash)) {
                state.fail(
                        state.lastSeq + 1,
                        "the archive does not continue at record " + (state.lastSeq + 1) + ": " + name
                                + " starts at record " + segment.firstSeq()
                                + " (archive segments missing, or from another chain)");
                return read;
            }
            boolean checksum;
            try {
                checksum = archive.read(segment, state::accept);
            } catch (IOException | RuntimeException e) {
                state.fail(segment.firstSeq(), name + ": the segment cannot be read (" + e.getMessage() + ")");
                return read;
            }
            read++;
            if (!checksum) {
                state.fail(segment.firstSeq(), name + ": the segment's data does not match its checksum (altered)");
            } else if (state.lastSeq != segment.lastSeq() || !state.lastHash.equals(segment.lastHash())) {
                state.fail(segment.firstSeq(), name + ": the segment's records do not end where its sidecar says");
            }
        }
        if (state.problem == null && anchor != null && anchor.archivedThrough() > state.lastSeq) {
            state.fail(
                    state.lastSeq + 1,
                    "records " + (state.lastSeq + 1) + " to " + anchor.archivedThrough()
                            + " were removed from the store but are not in the archive " + archive.directory());
        }
        return read;
    }

    /** Checkpoint problems: the first few listed, all counted (bounded, however many lines are bad). */
    static final class Problems {
        final List<Problem> listed = new ArrayList<>();
        long count;

        void add(ProblemKind kind, long seq, String detail) {
            count++;
            if (listed.size() < MAX_LISTED_PROBLEMS) {
                listed.add(new Problem(kind, seq, detail));
            }
        }
    }

    private static final class State {
        private final Iterator<Map.Entry<Long, List<CheckpointFiles.Located>>> checkpoints;
        private final Problems problems;
        private Map.Entry<Long, List<CheckpointFiles.Located>> nextCheckpoint;
        long records;
        long lastSeq;
        String lastHash = HashChain.GENESIS;
        long brokenSeq = -1;
        String problem;
        long anchoredSeq;
        CheckpointFiles.Located anchor;

        State(Iterator<Map.Entry<Long, List<CheckpointFiles.Located>>> checkpoints, Problems problems) {
            this.checkpoints = checkpoints;
            this.problems = problems;
            this.nextCheckpoint = checkpoints.hasNext() ? checkpoints.next() : null;
        }

        /**
         * Starts the chain after the archived records, at the store's anchor, passing over the
         * checkpoints of archived records; returns how many were passed over.
         */
        long startAfterArchive(ChainMaintenance.Anchor anchor) {
            lastSeq = anchor.archivedThrough();
            lastHash = anchor.prevHash();
            long skipped = 0;
            while (nextCheckpoint != null && nextCheckpoint.getKey() <= lastSeq) {
                skipped += nextCheckpoint.getValue().size();
                nextCheckpoint = checkpoints.hasNext() ? checkpoints.next() : null;
            }
            return skipped;
        }

        void accept(AuditEvent event) {
            if (problem == null) {
                records++;
                long expectedSeq = lastSeq + 1;
                if (event.seq() != expectedSeq) {
                    fail(event.seq(), "sequence jumps from " + lastSeq + " to " + event.seq() + " (records removed)");
                } else if (!event.prevHash().equals(lastHash)) {
                    fail(
                            event.seq(),
                            "previous-hash does not match record " + lastSeq + " (records removed or reordered)");
                } else if (!HashChain.hashOf(event).equals(event.hash())) {
                    fail(event.seq(), "content does not match its hash (record altered)");
                } else if (event.personal() != null && !event.personal().matchesDigest()) {
                    fail(event.seq(), "personal data does not match its digest (record altered)");
                }
                lastSeq = event.seq();
                lastHash = event.hash();
            }
            // Checkpoints are compared with the stored hashes even past a broken link: they tell how far back the
            // damage goes.
            while (nextCheckpoint != null && nextCheckpoint.getKey() <= event.seq()) {
                for (CheckpointFiles.Located located : nextCheckpoint.getValue()) {
                    compare(located, nextCheckpoint.getKey() == event.seq() ? event.hash() : null);
                }
                nextCheckpoint = checkpoints.hasNext() ? checkpoints.next() : null;
            }
        }

        /** {@code storedHash} is the hash of the record at the checkpoint's seq, null when the chain has no such record. */
        private void compare(CheckpointFiles.Located located, String storedHash) {
            Checkpoint checkpoint = located.checkpoint();
            if (checkpoint.hash().equals(storedHash)) {
                if (problem == null && checkpoint.seq() >= anchoredSeq) {
                    anchoredSeq = checkpoint.seq();
                    anchor = located;
                }
                return;
            }
            String found = storedHash == null
                    ? "the chain has no record " + checkpoint.seq() + ", which"
                    : "record " + checkpoint.seq() + " does not have the hash";
            problems.add(
                    ProblemKind.REWRITTEN,
                    checkpoint.seq(),
                    found + " the checkpoint at " + located.where() + " (written "
                            + checkpoint.at() + ") recorded: history up to record " + checkpoint.seq()
                            + " was rewritten"
                            + (anchoredSeq > 0
                                    ? " after record " + anchoredSeq + ", the last a checkpoint matched"
                                    : ""));
        }

        /** After the last record: checkpoints beyond it anchor records that are gone. */
        void finish() {
            CheckpointFiles.Located highest = null;
            long beyond = 0;
            while (nextCheckpoint != null) {
                for (CheckpointFiles.Located located : nextCheckpoint.getValue()) {
                    highest = located;
                    beyond++;
                }
                nextCheckpoint = checkpoints.hasNext() ? checkpoints.next() : null;
            }
            if (highest != null) {
                Checkpoint checkpoint = highest.checkpoint();
                String gone = checkpoint.seq() == lastSeq + 1
                        ? "record " + checkpoint.seq() + " is"
                        : "records " + (lastSeq + 1) + " to " + checkpoint.seq() + " are";
                problems.add(
                        ProblemKind.MISSING_TAIL,
                        lastSeq + 1,
                        gone + " missing from the end: the chain ends at record " + lastSeq
                                + ", but the checkpoint at " + highest.where()
                                + " (written " + checkpoint.at() + ") recorded record " + checkpoint.seq()
                                + (beyond > 1 ? " (" + beyond + " checkpoints lie beyond the end)" : ""));
            }
        }

        void fail(long seq, String why) {
            if (problem == null) {
                brokenSeq = seq;
                problem = why;
            }
        }
    }
}
