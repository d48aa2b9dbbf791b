package io.palisade.backup;

import io.palisade.admission.AbandonedReservations;
import io.palisade.audit.CheckpointKey;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import io.palisade.store.InstanceStore;
import io.palisade.store.PrivateFiles;
import io.palisade.store.SchemaStatus;
import io.palisade.store.StoreException;
import io.palisade.store.StoreUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code palisade restore}: puts a backup in place of a SQLite store, only once it has checked out.
 * The archive is extracted beside the store (same file system, so the final rename is atomic) and
 * checked there: checksums, a schema not newer than this release's, an audit chain that verifies
 * against the backup's checkpoints, and a head equal to the manifest's. Only then is the store
 * (with its -wal and -shm, so the set stays openable) moved aside as
 * {@code NAME.before-restore-TIME} and the copy renamed into place; the checkpoint file likewise.
 * A refusal leaves the store untouched. Thread-safe: nothing is shared.
 */
public final class StoreRestore {
    /** SQLite's files that belong to a store besides the database itself. */
    private static final List<String> COMPANIONS = List.of("-wal", "-shm", "-journal");

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** What was restored, and where the replaced files were kept (null: there was none). */
    public record Outcome(BackupManifest manifest, Path replacedStore, Path replacedCheckpoints) {}

    private final StoreUrl store;
    private final Path checkpointFile;
    private final CheckpointKey key;
    private final Clock clock;

    public StoreRestore(StoreUrl store, Path checkpointFile, CheckpointKey key, Clock clock) {
        this.store = store;
        this.checkpointFile = checkpointFile;
        this.key = key;
        this.clock = clock;
    }

    /**
     * Restores {@code backup}. Without {@code force}, refuses while a Palisade seems to serve the
     * store (an instance that did not stop and beat its heartbeat lately), or when that cannot be told.
     */
    public Outcome restore(Path backup, boolean force) {
        if (store.kind() != Dialect.SQLITE) {
            throw new BackupException("palisade restore puts back SQLite stores; this store is PostgreSQL: restore"
                    + " it with pg_restore and check it with 'palisade backup verify', as docs/backup.md describes");
        }
        if (!Files.isRegularFile(backup)) {
            throw new BackupException("no backup at " + backup);
        }
        Path live = store.file();
        if (!force && Files.exists(live)) {
            refuseWhileServed(live);
        }
        String stamp = STAMP.format(clock.instant());
        Path staged = live.resolveSibling("." + live.getFileName() + ".restoring-" + stamp);
        Path stagedCheckpoints = live.resolveSibling("." + live.getFileName() + ".restoring-checkpoints-" + stamp);
        try {
            PrivateFiles.createFolder(live.toAbsolutePath().getParent());
            BackupManifest manifest = BackupArchive.extract(backup, staged, stagedCheckpoints);
            check(manifest, staged, manifest.checkpoints() == null ? null : stagedCheckpoints);
            Path replacedStore = moveAside(live, stamp);
            Files.move(staged, live, StandardCopyOption.ATOMIC_MOVE);
            Path replacedCheckpoints = null;
            if (checkpointFile != null) {
                replacedCheckpoints = Files.exists(checkpointFile) ? aside(checkpointFile, stamp) : null;
                if (replacedCheckpoints != null) {
                    Files.move(checkpointFile, replacedCheckpoints, StandardCopyOption.ATOMIC_MOVE);
                }
                if (manifest.checkpoints() != null) {
                    PrivateFiles.createFolder(checkpointFile.toAbsolutePath().getParent());
                    Files.move(stagedCheckpoints, checkpointFile, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            return new Outcome(manifest, replacedStore, replacedCheckpoints);
        } catch (IOException e) {
            throw new BackupException("cannot restore into " + live + ": " + e.getMessage(), e);
        } finally {
            for (Path path : List.of(staged, stagedCheckpoints)) {
                deleteWithCompanions(path);
            }
        }
    }

    private void refuseWhileServed(Path live) {
        List<InstanceStore.Instance> serving;
        try (Database database = Database.openAsIs("sqlite:" + live)) {
            long aliveSince = clock.millis() - AbandonedReservations.DEAD_AFTER.toMillis();
            serving = new InstanceStore(database).live(aliveSince, 5);
        } catch (StoreException e) {
            throw new BackupException("cannot tell whether a Palisade serves the store at " + live + " ("
                    + e.getMessage() + "): stop it, then restore with --force");
        }
        if (!serving.isEmpty()) {
            InstanceStore.Instance instance = serving.getFirst();
            Duration ago = Duration.ofMillis(Math.max(0, clock.millis() - instance.heartbeatMillis()));
            throw new BackupException("a Palisade serves the store at " + live + " (instance " + instance.id()
                    + ", heartbeat " + ago.toSeconds() + " s ago): stop it first. If it is already gone (killed),"
                    + " wait " + AbandonedReservations.DEAD_AFTER.toSeconds()
                    + " s after its last heartbeat, or restore with --force");
        }
    }

    /** Everything a restore proves before touching the store; a {@link BackupException} names the first failure. */
    private void check(BackupManifest manifest, Path staged, Path checkpoints) {
        String url = "sqlite:" + staged;
        SchemaStatus schema;
        try (Database database = Database.openAsIs(url)) {
            schema = database.schema();
        }
        if (schema.newerThanRelease()) {
            throw new BackupException("the backup is of schema " + schema.applied() + ", newer than this release's ("
                    + schema.release() + "): it was taken by Palisade " + manifest.palisadeVersion()
                    + "; restore it with that release (or a later one)");
        }
        if (!schema.applied().equals(manifest.schemaVersion())) {
            throw new BackupException("the backup's database is of schema " + schema.applied()
                    + " but its manifest says " + manifest.schemaVersion() + ": the backup was altered");
        }
        // A backup of an older schema is migrated here, as the next start would: this release verifies its own schema.
        ChainCheck.Verified verified;
        try (Database database = Database.openExisting(url)) {
            verified = ChainCheck.verify(database, checkpoints == null ? List.of() : List.of(checkpoints), key);
        }
        if (!verified.result().intact()) {
            throw new BackupException("the backup's audit chain does not verify (record "
                    + verified.result().firstBrokenSeq() + ": "
                    + verified.result().problem()
                    + "): refusing to restore it");
        }
        BackupManifest.ChainHead expected = manifest.audit();
        BackupManifest.ChainHead found = verified.head();
        if (found.lastSeq() != expected.lastSeq()
                || !found.headHash().equals(expected.headHash())
                || found.records() != expected.records()) {
            throw new BackupException("the backup's audit chain ends at record " + found.lastSeq() + " (hash "
                    + found.headHash() + ", " + found.records() + " rows) but its manifest recorded record "
                    + expected.lastSeq() + " (hash " + expected.headHash() + ", " + expected.records()
                    + " rows): the backup was altered");
        }
        leaveWalMode(url);
    }

    /**
     * The copy goes into place as a single file: in rollback-journal mode nothing of it is left in a
     * -wal beside the staged name (the next start sets WAL again).
     */
    private static void leaveWalMode(String url) {
        try (Database database = Database.openAsIs(url);
                Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode = DELETE");
        } catch (SQLException e) {
            throw new StoreException("cannot prepare the restored copy: " + e.getMessage(), e);
        }
    }

    /** Moves the store and its companions aside under one new name; returns it, or null when there was no store. */
    private static Path moveAside(Path live, String stamp) throws IOException {
        if (!Files.exists(live)) {
            return null;
        }
        Path aside = aside(live, stamp);
        Files.move(live, aside, StandardCopyOption.ATOMIC_MOVE);
        for (String suffix : COMPANIONS) {
            Path companion = Path.of(live + suffix);
            if (Files.exists(companion)) {
                Files.move(companion, Path.of(aside + suffix), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return aside;
    }

    private static Path aside(Path file, String stamp) {
        return file.resolveSibling(file.getFileName() + ".before-restore-" + stamp);
    }

    private static void deleteWithCompanions(Path file) {
        try {
            Files.deleteIfExists(file);
            for (String suffix : COMPANIONS) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        } catch (IOException e) {
            // A staged copy left behind (a dot-file beside the store) is harmless; the restore's outcome stands.
        }
    }
}
