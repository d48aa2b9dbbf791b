package io.palisade.backup;

import io.palisade.store.PrivateFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The backup file: a ZIP archive (any unzip tool lists and extracts it) holding
 * {@code manifest.json} first, then {@code palisade.db} and, when the store had one,
 * {@code audit-checkpoints.jsonl}. Reading takes the manifest first, so every later entry is bounded
 * by the size the manifest gives it and checked against its SHA-256: a corrupted, truncated or
 * swapped archive is refused, and never fills the disk. Stateless and thread-safe.
 */
final class BackupArchive {
    static final String MANIFEST = "manifest.json";
    static final String DATABASE = "palisade.db";
    static final String CHECKPOINTS = "audit-checkpoints.jsonl";
    private static final int MAX_MANIFEST_BYTES = 1 << 20;

    private BackupArchive() {}

    /**
     * Writes the archive to {@code output} atomically: into a 0600 file beside it, forced to disk,
     * then renamed over {@code output}. {@code checkpoints} is null when there is none.
     */
    static void write(Path output, BackupManifest manifest, Path database, Path checkpoints) throws IOException {
        Path folder = output.toAbsolutePath().getParent();
        PrivateFiles.createFolder(folder);
        Path temporary = folder.resolve("." + output.getFileName() + ".writing-" + UUID.randomUUID());
        PrivateFiles.createFile(temporary);
        try {
            try (OutputStream file = Files.newOutputStream(temporary, StandardOpenOption.TRUNCATE_EXISTING);
                    ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(file, 1 << 16))) {
                zip.putNextEntry(new ZipEntry(MANIFEST));
                zip.write(manifest.toJson().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                add(zip, DATABASE, database);
                if (checkpoints != null) {
                    add(zip, CHECKPOINTS, checkpoints);
                }
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temporary, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void add(ZipOutputStream zip, String name, Path file) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        Files.copy(file, zip);
        zip.closeEntry();
    }

    /**
     * Extracts the archive at {@code input}: the database to {@code database} and the checkpoint file
     * (when the manifest names one) to {@code checkpoints}, both created 0600, each checked against
     * the manifest's size and SHA-256. Returns the manifest; anything amiss is a {@link BackupException}.
     */
    static BackupManifest extract(Path input, Path database, Path checkpoints) {
        try (InputStream file = Files.newInputStream(input);
                ZipInputStream zip = new ZipInputStream(new BufferedInputStream(file, 1 << 16))) {
            ZipEntry first = zip.getNextEntry();
            if (first == null || !first.getName().equals(MANIFEST)) {
                throw new BackupException(input + " is not a Palisade backup: it does not begin with " + MANIFEST);
            }
            BackupManifest manifest = BackupManifest.parse(manifest(zip));
            if (manifest.database() == null) {
                throw new BackupException(
                        input + " is a manifest of a store without a database file (PostgreSQL): restore"
                                + " PostgreSQL with pg_restore as docs/backup.md describes");
            }
            FileDigest expectedCheckpoints = manifest.checkpoints() == null
                    ? null
                    : manifest.checkpoints().file();
            boolean databaseSeen = false;
            boolean checkpointsSeen = false;
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.getName().equals(DATABASE) && !databaseSeen) {
                    databaseSeen = true;
                    extract(zip, manifest.database(), database);
                } else if (entry.getName().equals(CHECKPOINTS) && expectedCheckpoints != null && !checkpointsSeen) {
                    checkpointsSeen = true;
                    extract(zip, expectedCheckpoints, checkpoints);
                } else {
                    throw new BackupException(
                            input + " is not a backup this release wrote: unexpected entry '" + entry.getName() + "'");
                }
            }
            if (!databaseSeen || (expectedCheckpoints != null && !checkpointsSeen)) {
                throw new BackupException("the backup " + input + " is incomplete: "
                        + (databaseSeen ? CHECKPOINTS : DATABASE) + " is missing (truncated?)");
            }
            return manifest;
        } catch (EOFException | ZipException e) {
            throw new BackupException("the backup " + input + " is truncated or corrupted (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new BackupException("cannot read the backup " + input + ": " + e.getMessage(), e);
        }
    }

    private static String manifest(InputStream zip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int read = zip.read(buffer); read >= 0; read = zip.read(buffer)) {
            if (bytes.size() + read > MAX_MANIFEST_BYTES) {
                throw new BackupException("the backup's " + MANIFEST + " is over " + MAX_MANIFEST_BYTES
                        + " bytes: not a Palisade backup manifest");
            }
            bytes.write(buffer, 0, read);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void extract(InputStream zip, FileDigest expected, Path target) throws IOException {
        PrivateFiles.createFile(target);
        FileDigest found;
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.TRUNCATE_EXISTING)) {
            found = FileDigest.copy(expected.name(), zip, out, expected.bytes());
        }
        if (found.bytes() != expected.bytes() || !found.sha256().equals(expected.sha256())) {
            throw new BackupException("the backup's " + expected.name() + " does not match its manifest (sha256 "
                    + found.sha256() + ", " + found.bytes() + " bytes; the manifest says " + expected.sha256()
                    + ", " + expected.bytes() + " bytes): the backup is corrupted or was altered");
        }
    }
}
