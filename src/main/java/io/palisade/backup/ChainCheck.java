package io.palisade.backup;

import io.palisade.audit.AuditStore;
import io.palisade.audit.AuditVerifier;
import io.palisade.audit.ChainMaintenance;
import io.palisade.audit.CheckpointKey;
import io.palisade.audit.HashChain;
import io.palisade.store.Database;
import io.palisade.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The audit chain verification a backup and a restore share: {@link AuditVerifier} over the whole
 * chain and its checkpoints, plus the head (last sequence number and hash) a manifest records.
 * Stateless and thread-safe.
 */
public final class ChainCheck {
    /** The outcome: the head and anchors as a manifest records them, and the verifier's full result. */
    public record Verified(
            BackupManifest.ChainHead head, BackupManifest.Anchors anchors, AuditVerifier.Result result) {}

    private record Head(long seq, String hash) {}

    private ChainCheck() {}

    /**
     * Verifies {@code database}'s chain against the checkpoints in {@code checkpointFiles}. The head is
     * read before the chain is walked, so on a store that is still written the walk covers it.
     * {@link Verified#anchors()} is null when none of the files exists.
     */
    public static Verified verify(Database database, List<Path> checkpointFiles, CheckpointKey key) {
        Head head = head(database);
        AuditVerifier.Result result = new AuditVerifier(new AuditStore(database), checkpointFiles, key).verify();
        AuditVerifier.Anchoring anchoring = result.anchoring();
        BackupManifest.Anchors anchors =
                anchoring.missingFiles().size() == anchoring.files().size()
                        ? null
                        : new BackupManifest.Anchors(
                                null,
                                anchoring.checkpoints(),
                                anchoring.anchoredSeq(),
                                anchoring.anchoredAt(),
                                anchoring.signaturesChecked());
        return new Verified(
                new BackupManifest.ChainHead(result.records(), head.seq(), head.hash(), result.intact()),
                anchors,
                result);
    }

    /**
     * Checks a store restored from a backup made outside Palisade (pg_dump) against the manifest
     * taken before it: the chain verifies, it is not of a newer schema, and it holds the manifest's
     * head record unchanged (records written after the manifest may follow). Returns what is wrong;
     * empty when the store is what the manifest describes.
     */
    public static List<String> against(
            Database database, BackupManifest manifest, List<Path> checkpointFiles, CheckpointKey key) {
        List<String> problems = new ArrayList<>();
        if (database.schema().newerThanRelease()) {
            problems.add("the store's schema (" + database.schema().applied()
                    + ") is newer than this release's (" + database.schema().release()
                    + "): check it with the release that wrote it");
            return problems;
        }
        Verified verified = verify(database, checkpointFiles, key);
        AuditVerifier.Result result = verified.result();
        if (!result.intact()) {
            problems.add(
                    "the audit chain does not verify: record " + result.firstBrokenSeq() + ": " + result.problem());
        }
        BackupManifest.ChainHead expected = manifest.audit();
        if (expected.lastSeq() > 0) {
            Optional<String> hash = new ChainMaintenance(database).hashAt(expected.lastSeq());
            if (hash.isEmpty()) {
                problems.add("the manifest's head, record " + expected.lastSeq()
                        + ", is not in the store (its chain ends at record "
                        + verified.head().lastSeq() + "): records are missing");
            } else if (!hash.get().equals(expected.headHash())) {
                problems.add("record " + expected.lastSeq() + " has hash " + hash.get() + ", the manifest recorded "
                        + expected.headHash() + ": history was rewritten");
            }
        }
        if (verified.head().records() < expected.records()) {
            problems.add("the store holds " + verified.head().records() + " audit rows, the manifest recorded "
                    + expected.records());
        }
        return problems;
    }

    private static Head head(Database database) {
        try (Connection connection = database.connect();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
                ResultSet rows = statement.executeQuery()) {
            return rows.next() ? new Head(rows.getLong(1), rows.getString(2)) : new Head(0, HashChain.GENESIS);
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit trail: " + e.getMessage(), e);
        }
    }
}
