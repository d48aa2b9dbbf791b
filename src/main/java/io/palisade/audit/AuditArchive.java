package io.palisade.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.auth.Sha256;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The directory of archived audit records (docs/backup.md, "Retention and archives"): segments of
 * consecutive records, each a gzipped JSON Lines data file with a sidecar ({@link ArchiveSegment})
 * holding its SHA-256 and chain anchors. Every file is written under a temporary name, forced to
 * disk and renamed into place; the sidecar comes last, so a segment exists once its sidecar does.
 * Reads stream (memory is bounded by one line). Writes are serialised on this object (retention
 * and erasure may run at once); reads need no lock.
 */
public final class AuditArchive {
    private static final String TEMPORARY_SUFFIX = ".tmp";

    private final Path directory;
    private final ObjectMapper json = new ObjectMapper();

    public AuditArchive(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** The segments, in chain order; an unreadable sidecar is an {@link IOException} naming it. */
    public List<ArchiveSegment> segments() throws IOException {
        List<ArchiveSegment> segments = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return segments;
        }
        try (DirectoryStream<Path> sidecars = Files.newDirectoryStream(directory, "segment-*.json")) {
            for (Path sidecar : sidecars) {
                segments.add(ArchiveSegment.read(sidecar, json));
            }
        }
        segments.sort(Comparator.comparingLong(ArchiveSegment::firstSeq));
        return segments;
    }

    /**
     * Streams {@code segment}'s records to {@code consumer}; returns whether the data file's SHA-256
     * is the one its sidecar recorded (known once it was read to the end).
     */
    public boolean read(ArchiveSegment segment, Consumer<AuditEvent> consumer) throws IOException {
        MessageDigest digest = Sha256.digest();
        try (InputStream file = Files.newInputStream(segment.dataIn(directory));
                DigestInputStream hashed = new DigestInputStream(file, digest);
                BufferedReader lines = new BufferedReader(
                        new InputStreamReader(new GZIPInputStream(hashed), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.isBlank()) {
                    consumer.accept(fromLine(line));
                }
            }
            // The gzip trailer may be read before the file's last byte: hash whatever is left.
            hashed.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest()).equals(segment.sha256());
    }

    /** Starts a segment of records following the one whose hash is {@code prevHash}; rows are added in chain order. */
    public SegmentWriter startSegment(String prevHash) throws IOException {
        Files.createDirectories(directory);
        return new SegmentWriter(prevHash);
    }

    /** A segment being written; {@link #finish} makes it one, {@link #close} without finishing leaves nothing. */
    public final class SegmentWriter implements AutoCloseable {
        private final String prevHash;
        private final Path temporary;
        private final FileChannel channel;
        private final MessageDigest digest = Sha256.digest();
        private final Writer out;
        private long firstSeq;
        private long lastSeq;
        private String lastHash;
        private long records;
        private boolean finished;

        private SegmentWriter(String prevHash) throws IOException {
            this.prevHash = prevHash;
            this.temporary = Files.createTempFile(directory, ".segment-", TEMPORARY_SUFFIX);
            this.channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
            this.out = new BufferedWriter(new OutputStreamWriter(
                    new GZIPOutputStream(new DigestOutputStream(Channels.newOutputStream(channel), digest)),
                    StandardCharsets.UTF_8));
        }

        public void add(AuditEvent row) throws IOException {
            if (records == 0) {
                firstSeq = row.seq();
            }
            lastSeq = row.seq();
            lastHash = row.hash();
            records++;
            out.write(toLine(row));
            out.write('\n');
        }

        public long records() {
            return records;
        }

        /** Forces the data file to disk, renames it into place, then does the same with the sidecar. */
        public ArchiveSegment finish() throws IOException {
            if (records == 0) {
                throw new IllegalStateException("an archive segment needs at least one record");
            }
            out.flush();
            out.close(); // writes the gzip trailer; the channel stays open until forced below
            finished = true;
            ArchiveSegment segment = new ArchiveSegment(
                    firstSeq,
                    lastSeq,
                    records,
                    prevHash,
                    lastHash,
                    dataName(firstSeq, lastSeq, 0),
                    HexFormat.of().formatHex(digest.digest()));
            synchronized (AuditArchive.this) {
                place(temporary, segment.dataIn(directory));
                writeSidecar(segment);
            }
            return segment;
        }

        @Override
        public void close() throws IOException {
            if (!finished) {
                out.close();
                Files.deleteIfExists(temporary);
            }
        }
    }

    /**
     * Removes what an interrupted write left: temporary files, and data files no sidecar names
     * (written, but the sidecar never was; their records are still in the store).
     */
    public synchronized void removeUnfinished() throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        Set<String> named = new HashSet<>();
        for (ArchiveSegment segment : segments()) {
            named.add(segment.file());
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                boolean temporary = name.startsWith(".segment-") && name.endsWith(TEMPORARY_SUFFIX);
                boolean orphan = name.startsWith("segment-") && name.endsWith(".jsonl.gz") && !named.contains(name);
                if (temporary || orphan) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * Blanks the personal data of {@code userId}'s records, and of admin and denial records
     * naming {@code email}, in every segment that has any (erasure):
     * the segment is written anew under a new name with the same records, hashes and anchors, its
     * sidecar replaced to name it and its new SHA-256, then the old data file removed. Returns how
     * many segments were rewritten.
     */
    public synchronized int eraseUser(String userId, String email, String at) throws IOException {
        Predicate<AuditEvent> personOf = row -> row.personal() != null
                && !row.personal().erased()
                && (Objects.equals(userId, row.userId())
                        || ((AuditEvent.ADMIN.equals(row.kind()) || AuditEvent.DENIED.equals(row.kind()))
                                && row.personal().fields().contains(email)));
        int rewritten = 0;
        for (ArchiveSegment segment : segments()) {
            boolean[] holds = {false};
            read(segment, row -> holds[0] |= personOf.test(row));
            if (holds[0]) {
                rewrite(segment, personOf, at);
                rewritten++;
            }
        }
        return rewritten;
    }

    private void rewrite(ArchiveSegment segment, Predicate<AuditEvent> personOf, String at) throws IOException {
        Path temporary = Files.createTempFile(directory, ".segment-", TEMPORARY_SUFFIX);
        MessageDigest digest = Sha256.digest();
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            try (Writer out = new BufferedWriter(new OutputStreamWriter(
                    new GZIPOutputStream(new DigestOutputStream(Channels.newOutputStream(channel), digest)),
                    StandardCharsets.UTF_8))) {
                read(segment, row -> {
                    AuditEvent kept = personOf.test(row) ? row.erased(at) : row;
                    try {
                        out.write(toLine(kept));
                        out.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Path old = segment.dataIn(directory);
        ArchiveSegment erased = new ArchiveSegment(
                segment.firstSeq(),
                segment.lastSeq(),
                segment.records(),
                segment.prevHash(),
                segment.lastHash(),
                dataName(segment.firstSeq(), segment.lastSeq(), System.nanoTime() & Long.MAX_VALUE),
                HexFormat.of().formatHex(digest.digest()));
        place(temporary, erased.dataIn(directory));
        // The sidecar switches to the new file in one rename; until then it names the old one, which is intact.
        writeSidecar(erased);
        Files.deleteIfExists(old);
        forceDirectory();
    }

    private static String dataName(long firstSeq, long lastSeq, long revision) {
        String base = String.format(java.util.Locale.ROOT, "segment-%020d-%020d", firstSeq, lastSeq);
        return base + (revision == 0 ? "" : ".r" + revision) + ".jsonl.gz";
    }

    private void writeSidecar(ArchiveSegment segment) throws IOException {
        Path temporary = Files.createTempFile(directory, ".segment-", TEMPORARY_SUFFIX);
        Files.writeString(temporary, json.writerWithDefaultPrettyPrinter().writeValueAsString(segment.toJson(json)));
        place(temporary, directory.resolve(segment.sidecarName()));
    }

    /** Forces {@code temporary} to disk, renames it to {@code target} atomically, and forces the directory. */
    private void place(Path temporary, Path target) throws IOException {
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory();
    }

    /** Makes the directory's entries (the renames) durable. */
    private void forceDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for forcing; the renames are then as durable as they allow.
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }

    String toLine(AuditEvent row) throws IOException {
        ObjectNode node = json.createObjectNode();
        node.put("seq", row.seq());
        node.put("request_id", row.requestId());
        node.put("kind", row.kind());
        node.put("at", row.at());
        node.put("user_id", row.userId());
        node.put("body", row.body());
        node.put("prev_hash", row.prevHash());
        node.put("hash", row.hash());
        node.put("format", row.format());
        PersonalData personal = row.personal();
        if (personal != null) {
            node.put("personal", personal.fields());
            node.put("personal_salt", personal.salt());
            node.put("personal_digest", personal.digest());
            node.put("erased_at", personal.erasedAt());
        }
        return json.writeValueAsString(node);
    }

    AuditEvent fromLine(String line) throws IOException {
        JsonNode node = json.readTree(line);
        PersonalData personal = node.path("format").asInt(AuditEvent.FORMAT_BODY_ONLY) == AuditEvent.FORMAT_BODY_ONLY
                ? null
                : new PersonalData(
                        text(node, "personal"),
                        text(node, "personal_salt"),
                        text(node, "personal_digest"),
                        text(node, "erased_at"));
        return new AuditEvent(
                node.path("seq").asLong(),
                text(node, "request_id"),
                text(node, "kind"),
                text(node, "at"),
                text(node, "user_id"),
                text(node, "body"),
                text(node, "prev_hash"),
                text(node, "hash"),
                personal);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
