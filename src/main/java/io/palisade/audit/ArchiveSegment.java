package io.palisade.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One archive segment's sidecar ({@code segment-FIRST-LAST.json}): which records the data file
 * ({@code file}, gzipped JSON Lines beside it) holds, the chain anchors around them ({@code
 * prevHash}, the hash of the record before the first; {@code lastHash}, the last record's hash)
 * and the data file's SHA-256. The sidecar is written after its data file is on disk: a data file
 * without one is an unfinished write. Immutable.
 */
public record ArchiveSegment(
        long firstSeq, long lastSeq, long records, String prevHash, String lastHash, String file, String sha256) {
    static final String SIDECAR_SUFFIX = ".json";
    private static final Pattern FILE_NAME = Pattern.compile("segment-[0-9]{20}-[0-9]{20}(\\.r[0-9]+)?\\.jsonl\\.gz");

    /** The sidecar's name: segment-FIRST-LAST.json, the numbers zero-padded so names sort in chain order. */
    static String sidecarName(long firstSeq, long lastSeq) {
        return String.format(java.util.Locale.ROOT, "segment-%020d-%020d", firstSeq, lastSeq) + SIDECAR_SUFFIX;
    }

    String sidecarName() {
        return sidecarName(firstSeq, lastSeq);
    }

    Path dataIn(Path directory) {
        return directory.resolve(file);
    }

    ObjectNode toJson(ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        node.put("format", "palisade-audit-archive-v1");
        node.put("first_seq", firstSeq);
        node.put("last_seq", lastSeq);
        node.put("records", records);
        node.put("prev_hash", prevHash);
        node.put("last_hash", lastHash);
        node.put("file", file);
        node.put("sha256", sha256);
        return node;
    }

    /** Reads a sidecar; a file that is not one is an {@link IOException} naming it. */
    static ArchiveSegment read(Path sidecar, ObjectMapper json) throws IOException {
        JsonNode node = json.readTree(sidecar.toFile());
        if (node == null
                || !"palisade-audit-archive-v1".equals(node.path("format").asText())) {
            throw new IOException(sidecar + " is not an audit archive segment's sidecar");
        }
        String file = node.path("file").asText("");
        // Only a data file beside the sidecar: a sidecar must not point a rewrite or a verify elsewhere.
        if (!FILE_NAME.matcher(file).matches()) {
            throw new IOException(sidecar + " names no segment data file beside it");
        }
        long first = node.path("first_seq").asLong(-1);
        long last = node.path("last_seq").asLong(-1);
        if (first < 1 || last < first) {
            throw new IOException(sidecar + " has no valid record range");
        }
        return new ArchiveSegment(
                first,
                last,
                node.path("records").asLong(),
                node.path("prev_hash").asText(""),
                node.path("last_hash").asText(""),
                file,
                node.path("sha256").asText(""));
    }
}
