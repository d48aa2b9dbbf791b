package io.palisade.audit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Checkpoint files read for {@link AuditVerifier}: every line parsed and its signature checked,
 * the valid ones kept by sequence number. Lines may come in any order and from several files (one
 * per replica, or lines of the log), so files that replicas share or that were concatenated verify
 * alike. Memory is bounded whatever the files hold: lines longer than {@link #MAX_LINE_CHARS} are
 * skipped as malformed, only the {@link #MAX_KEPT} highest checkpoints are kept, and at most
 * {@link #MAX_PER_RECORD} different ones for one record. That loses no
 * detection: a record's hash covers all before it, so the highest checkpoint that matches pins the
 * whole prefix; lower ones only narrow down where a rewrite happened. Not thread-safe.
 */
final class CheckpointFiles {
    static final int MAX_KEPT = 10_000;
    static final int MAX_LINE_CHARS = 4096;
    static final int MAX_PER_RECORD = 16;
    /** What {@link CheckpointWriter} logs before the checkpoint's JSON. */
    static final String LOG_MARKER = "audit checkpoint ";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A checkpoint and where it was read ({@code FILE:LINE}). */
    record Located(Checkpoint checkpoint, String where) {}

    private final CheckpointKey key;
    private final AuditVerifier.Problems problems;
    private final TreeMap<Long, List<Located>> kept = new TreeMap<>();
    private final List<Path> missing = new ArrayList<>();
    private long valid;
    private long keptCount;
    private long unverifiedSignatures;

    CheckpointFiles(CheckpointKey key, AuditVerifier.Problems problems) {
        this.key = key;
        this.problems = problems;
    }

    void read(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            long number = 0;
            while (true) {
                line.setLength(0);
                boolean tooLong = false;
                int c;
                while ((c = reader.read()) != -1 && c != '\n') {
                    if (line.length() < MAX_LINE_CHARS) {
                        line.append((char) c);
                    } else {
                        tooLong = true;
                    }
                }
                if (c == -1) {
                    // A last line without its newline is one being written right now (verify on a
                    // running replica) or cut by a crash: not a finding. Ignoring it only lowers the anchor.
                    return;
                }
                number++;
                String where = file + ":" + number;
                if (tooLong) {
                    problems.add(
                            AuditVerifier.ProblemKind.MALFORMED_CHECKPOINT,
                            -1,
                            where + ": line longer than " + MAX_LINE_CHARS + " characters");
                } else if (!line.toString().isBlank()) {
                    accept(line.toString().strip(), where);
                }
            }
        } catch (NoSuchFileException e) {
            missing.add(file);
        } catch (IOException | RuntimeException e) {
            problems.add(
                    AuditVerifier.ProblemKind.UNREADABLE_CHECKPOINTS,
                    -1,
                    file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private void accept(String line, String where) {
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.parse(checkpointText(line));
        } catch (Checkpoint.MalformedException e) {
            problems.add(
                    AuditVerifier.ProblemKind.MALFORMED_CHECKPOINT,
                    -1,
                    where + ": not a checkpoint (" + e.getMessage() + ")");
            return;
        }
        if (key.isPresent()) {
            if (checkpoint.mac() == null) {
                problems.add(
                        AuditVerifier.ProblemKind.UNSIGNED_CHECKPOINT,
                        checkpoint.seq(),
                        where
                                + ": checkpoint of record " + checkpoint.seq()
                                + " is not signed, but a checkpoint key is configured (forged, or written before the key was)");
                return;
            }
            if (!key.verifies(checkpoint)) {
                problems.add(
                        AuditVerifier.ProblemKind.BAD_SIGNATURE,
                        checkpoint.seq(),
                        where + ": checkpoint of record " + checkpoint.seq()
                                + " has a bad signature (forged or altered, or signed with another key)");
                return;
            }
        } else if (checkpoint.mac() != null) {
            unverifiedSignatures++;
        }
        valid++;
        List<Located> atSeq = kept.computeIfAbsent(checkpoint.seq(), seq -> new ArrayList<>(1));
        // The same checkpoint twice (a file and a log extract) adds nothing; a few different hashes
        // for one record are enough to report it, however many lines claim one.
        if (atSeq.size() >= MAX_PER_RECORD
                || atSeq.stream().anyMatch(other -> other.checkpoint().hash().equals(checkpoint.hash()))) {
            return;
        }
        atSeq.add(new Located(checkpoint, where));
        keptCount++;
        while (keptCount > MAX_KEPT) {
            keptCount -= kept.pollFirstEntry().getValue().size();
        }
    }

    /**
     * The checkpoint in {@code line}: the line itself in a checkpoint file; in a line of the log
     * ({@code … audit checkpoint {…}}, console or JSON format), the object after the marker. So
     * <code>grep 'audit checkpoint &#123;' palisade.log</code> is a checkpoint file too.
     */
    private static String checkpointText(String line) {
        int marker = line.indexOf(LOG_MARKER);
        if (marker < 0) {
            return line;
        }
        if (line.startsWith("{")) {
            try {
                String message = JSON.readTree(line).path("message").asText("");
                if (message.startsWith(LOG_MARKER)) {
                    return message.substring(LOG_MARKER.length());
                }
            } catch (JacksonException e) {
                return line;
            }
            return line;
        }
        return line.substring(marker + LOG_MARKER.length());
    }

    /** The kept checkpoints by sequence number, ascending. */
    NavigableMap<Long, List<Located>> kept() {
        return kept;
    }

    /** Valid checkpoints read (signed with the key when there is one), including those not kept. */
    long valid() {
        return valid;
    }

    /** Signed checkpoints whose signature could not be checked, for want of the key. */
    long unverifiedSignatures() {
        return unverifiedSignatures;
    }

    /** Files that do not exist. */
    List<Path> missing() {
        return missing;
    }
}
