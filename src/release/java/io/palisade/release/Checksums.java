package io.palisade.release;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 sums in the format of coreutils' {@code sha256sum} ("HEX  relative/path" per line), so an
 * operator checks a bundle with {@code sha256sum -c SHA256SUMS} and nothing of ours.
 */
public final class Checksums {
    public static final String FILE_NAME = "SHA256SUMS";

    private Checksums() {}

    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Writes {@code directory/SHA256SUMS} over every regular file below it except itself, sorted by path. */
    public static Path writeFor(Path directory) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Path file : filesBelow(directory)) {
            String relative = directory.relativize(file).toString();
            if (!relative.equals(FILE_NAME)) {
                lines.append(sha256(file)).append("  ").append(relative).append('\n');
            }
        }
        return Files.writeString(directory.resolve(FILE_NAME), lines, StandardCharsets.UTF_8);
    }

    /** Writes {@code file.sha256} beside {@code file}: one line, checkable with {@code sha256sum -c}. */
    public static Path writeBeside(Path file) throws IOException {
        Path sums = file.resolveSibling(file.getFileName() + ".sha256");
        return Files.writeString(sums, sha256(file) + "  " + file.getFileName() + "\n", StandardCharsets.UTF_8);
    }

    /** Every regular file below {@code directory} (symbolic links not followed), sorted. */
    public static List<Path> filesBelow(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return new ArrayList<>(
                    walk.filter(path -> Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                            .sorted()
                            .toList());
        }
    }
}
