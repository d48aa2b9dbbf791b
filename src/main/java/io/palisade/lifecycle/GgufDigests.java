package io.palisade.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256 of model files, remembered by path, size and modification time: a 10 GB GGUF takes tens
 * of seconds to hash, so a periodic check hashes it again only when the file was rewritten.
 * (A file changed in place with its size and time restored is not noticed; that takes deliberate
 * effort, and hashing every period is the price of noticing it.)
 *
 * <p>Thread-safe. Cache hits never wait; at most one file is hashed at a time, since hashing is
 * disk-bound and two at once would only slow each other down.
 */
public final class GgufDigests {
    private record Stamp(long size, FileTime modified) {}

    private record Known(Stamp stamp, String sha256) {}

    private static final int BUFFER_BYTES = 1 << 20;

    private final Map<Path, Known> known = new ConcurrentHashMap<>();
    private final Object hashing = new Object();

    /** The file's SHA-256 as 64 lower-case hex digits; throws when the file cannot be read. */
    public String sha256(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        Stamp stamp = stamp(key);
        Known cached = known.get(key);
        if (cached != null && cached.stamp().equals(stamp)) {
            return cached.sha256();
        }
        synchronized (hashing) {
            cached = known.get(key);
            if (cached != null && cached.stamp().equals(stamp)) {
                return cached.sha256();
            }
            // The stamp taken before reading: if the file changes while it is read, the next call sees
            // a different stamp and hashes again.
            String sha256 = hash(key);
            known.put(key, new Known(stamp, sha256));
            return sha256;
        }
    }

    private static Stamp stamp(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IOException(file + " is not a regular file");
        }
        return new Stamp(attributes.size(), attributes.lastModifiedTime());
    }

    private static String hash(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
