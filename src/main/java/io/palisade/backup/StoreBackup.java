package io.palisade.backup;

import io.palisade.audit.CheckpointKey;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import io.palisade.store.PrivateFiles;
import io.palisade.store.SchemaStatus;
import io.palisade.store.StoreUrl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code palisade backup}: a consistent copy of a SQLite store, taken while Palisade serves it, in
 * one archive ({@link BackupArchive}) with a manifest recording the schema, the verified audit chain
 * head and the checksums. The checkpoint file is copied first, then the store: every checkpoint in
 * the copy is then at or below the copied chain's head. A store whose chain does not verify is still
 * backed up (its data is no less worth keeping), and the caller is told. Thread-safe: nothing is shared.
 */
public final class StoreBackup {
    /** What was written, and whether its chain verified (a restore refuses it when not). */
    public record Outcome(BackupManifest manifest, ChainCheck.Verified verified) {}

    private final StoreUrl store;
    private final Path checkpointFile;
    private final CheckpointKey key;
    private final String palisadeVersion;
    private final Clock clock;

    public StoreBackup(StoreUrl store, Path checkpointFile, CheckpointKey key, String palisadeVersion, Clock clock) {
        this.store = store;
        this.checkpointFile = checkpointFile;
        this.key = key;
        this.palisadeVersion = palisadeVersion;
        this.clock = clock;
    }

    /** Writes the backup to {@code output} (replacing it atomically); a refusal or failure is a {@link BackupException}. */
    public Outcome writeTo(Path output) {
        if (store.kind() != Dialect.SQLITE) {
            throw new BackupException("palisade backup copies SQLite stores; this store is PostgreSQL: back it up"
                    + " with pg_dump and check the restored copy with 'palisade backup manifest' and"
                    + " 'palisade backup verify', as docs/backup.md describes");
        }
        if (!Files.isRegularFile(store.file())) {
            throw new BackupException("no store at " + store.file());
        }
        Path folder = output.toAbsolutePath().getParent();
        Path work = folder.resolve(".palisade-backup-" + UUID.randomUUID());
        try {
            PrivateFiles.createFolder(work);
            return writeTo(output, work);
        } catch (IOException e) {
            throw new BackupException("cannot write the backup " + output + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(work);
        }
    }

    private Outcome writeTo(Path output, Path work) throws IOException {
        Path checkpoints = work.resolve(BackupArchive.CHECKPOINTS);
        boolean hasCheckpoints = copyCompleteLines(checkpointFile, checkpoints);
        Path copy = work.resolve(BackupArchive.DATABASE);
        SchemaStatus schema;
        long snapshotMillis;
        try (Database live = Database.openAsIs(store.toString())) {
            schema = live.schema();
            if (schema.newerThanRelease()) {
                throw new BackupException("the store's schema (" + schema.applied() + ") is newer than this"
                        + " release's (" + schema.release() + "): back it up with the release that serves it");
            }
            long start = clock.millis();
            live.copyInto(copy);
            snapshotMillis = clock.millis() - start;
        }
        ChainCheck.Verified verified = verify(copy, schema, hasCheckpoints ? checkpoints : null, work);
        BackupManifest.Anchors anchors = verified.anchors() == null
                ? null
                : new BackupManifest.Anchors(
                        FileDigest.of(BackupArchive.CHECKPOINTS, checkpoints),
                        verified.anchors().count(),
                        verified.anchors().anchoredSeq(),
                        verified.anchors().anchoredAt(),
                        verified.anchors().signaturesChecked());
        BackupManifest manifest = new BackupManifest(
                palisadeVersion,
                clock.instant(),
                Dialect.SQLITE,
                schema.applied(),
                verified.head(),
                FileDigest.of(BackupArchive.DATABASE, copy),
                anchors,
                snapshotMillis);
        BackupArchive.write(output, manifest, copy, hasCheckpoints ? checkpoints : null);
        return new Outcome(manifest, verified);
    }

    /**
     * Verifies the copy's chain. A copy of an older schema than this release's is verified on a
     * migrated scratch copy (this release reads its own schema), so the backup itself stays the
     * store exactly as it was.
     */
    private ChainCheck.Verified verify(Path copy, SchemaStatus schema, Path checkpoints, Path work) throws IOException {
        Path verified = copy;
        if (schema.olderThanRelease()) {
            verified = work.resolve("migrated.db");
            Files.copy(copy, verified);
        }
        List<Path> files = checkpoints == null ? List.of() : List.of(checkpoints);
        try (Database database = schema.olderThanRelease()
                ? Database.openExisting("sqlite:" + verified)
                : Database.openAsIs("sqlite:" + verified)) {
            return ChainCheck.verify(database, files, key);
        }
    }

    /**
     * Copies {@code source} up to its last newline: a checkpoint being appended at this moment is
     * left out rather than copied half-written. False when there is no such file.
     */
    private static boolean copyCompleteLines(Path source, Path target) throws IOException {
        if (source == null || !Files.isRegularFile(source)) {
            return false;
        }
        PrivateFiles.createFile(target);
        long complete;
        try (InputStream in = Files.newInputStream(source)) {
            complete = lastNewline(in);
        }
        try (InputStream in = Files.newInputStream(source);
                OutputStream out = Files.newOutputStream(target, StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            long left = complete;
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    break;
                }
                out.write(buffer, 0, read);
                left -= read;
            }
        }
        return true;
    }

    /** The length up to and including the last newline (0: none). */
    private static long lastNewline(InputStream in) throws IOException {
        long position = 0;
        long complete = 0;
        byte[] buffer = new byte[1 << 16];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            for (int i = 0; i < read; i++) {
                if (buffer[i] == '\n') {
                    complete = position + i + 1;
                }
            }
            position += read;
        }
        return complete;
    }

    static void deleteQuietly(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A left-over scratch folder (named .palisade-backup-*) holds a copy of the store at 0700: worth a
            // look, not worth failing a finished backup for.
        }
    }
}
