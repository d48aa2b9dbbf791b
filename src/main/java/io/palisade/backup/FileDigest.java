package io.palisade.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file inside a backup: its name in the archive, its size and its SHA-256 (hex). Immutable.
 *
 * @param name the entry's name in the archive
 * @param bytes its size
 * @param sha256 the lowercase hex SHA-256 of its content
 */
public record FileDigest(String name, long bytes, String sha256) {
    /** Reads {@code file} once to digest it. */
    static FileDigest of(String name, Path file) throws IOException {
        MessageDigest digest = newDigest();
        long bytes = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
                bytes += read;
            }
        }
        return new FileDigest(name, bytes, HexFormat.of().formatHex(digest.digest()));
    }

    /**
     * Copies {@code in} to {@code out}, digesting it; stops with a {@link BackupException} past
     * {@code limit} bytes (an archive entry larger than its manifest says is not read to its end).
     */
    static FileDigest copy(String name, InputStream in, OutputStream out, long limit) throws IOException {
        MessageDigest digest = newDigest();
        long bytes = 0;
        byte[] buffer = new byte[1 << 16];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            bytes += read;
            if (bytes > limit) {
                throw new BackupException("the backup's " + name + " is larger than its manifest says (" + limit
                        + " bytes): the backup is corrupted or not the one the manifest describes");
            }
            digest.update(buffer, 0, read);
            out.write(buffer, 0, read);
        }
        return new FileDigest(name, bytes, HexFormat.of().formatHex(digest.digest()));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
