package io.palisade.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** A backup archive opened up for tests: its entries in memory (test stores are small), to read or tamper with. */
final class BackupFiles {
    static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, byte[]> entries;

    private BackupFiles(Map<String, byte[]> entries) {
        this.entries = entries;
    }

    static BackupFiles read(Path archive) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(archive);
                ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        return new BackupFiles(entries);
    }

    ObjectNode manifest() throws IOException {
        return (ObjectNode) JSON.readTree(entries.get("manifest.json"));
    }

    void manifest(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode manifest = manifest();
        edit.accept(manifest);
        entries.put("manifest.json", JSON.writeValueAsBytes(manifest));
    }

    /** Puts {@code database} in as palisade.db and makes the manifest's size and SHA-256 agree with it. */
    void replaceDatabase(byte[] database) throws IOException {
        entries.put("palisade.db", database);
        manifest(manifest -> {
            ObjectNode file = (ObjectNode) manifest.path("database");
            file.put("bytes", database.length);
            file.put("sha256", sha256(database));
        });
    }

    void write(Path archive) throws IOException {
        try (OutputStream out = Files.newOutputStream(archive);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
    }

    String manifestText() {
        return new String(entries.get("manifest.json"), StandardCharsets.UTF_8);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }
}
