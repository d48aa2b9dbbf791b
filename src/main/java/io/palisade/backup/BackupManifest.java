package io.palisade.backup;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.store.Dialect;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * What a backup holds and what was proven about it when it was taken ({@code manifest.json};
 * docs/backup.md lists the fields). Immutable.
 *
 * @param palisadeVersion the release that took it
 * @param createdAt when
 * @param storeKind the store it was taken from
 * @param schemaVersion the store's Flyway schema version
 * @param audit the audit chain in the backup
 * @param database the database file in the archive; null for a manifest of a PostgreSQL store (its data is in pg_dump's file)
 * @param checkpoints the chain's checkpoints; null when the store had no checkpoint file
 * @param snapshotMillis how long the consistent copy took (its read transaction), 0 when none was made
 */
public record BackupManifest(
        String palisadeVersion,
        Instant createdAt,
        Dialect storeKind,
        String schemaVersion,
        ChainHead audit,
        FileDigest database,
        Anchors checkpoints,
        long snapshotMillis) {
    /** The archive's format; a later format gets another name, so an older release refuses it by name. */
    public static final String FORMAT = "palisade-backup-1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The audit chain as verified: {@code records} rows, the last with sequence number
     * {@code lastSeq} and hash {@code headHash}; {@code intact} when no link was broken and no
     * checkpoint contradicted it.
     */
    public record ChainHead(long records, long lastSeq, String headHash, boolean intact) {}

    /**
     * The chain's checkpoints: the copy of the checkpoint file in the archive (null when the file is
     * not in it), how many checkpoints it holds, and the highest record they anchor (0 and null: none).
     */
    public record Anchors(
            FileDigest file, long count, long anchoredSeq, Instant anchoredAt, boolean signaturesChecked) {}

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("palisade_version", palisadeVersion);
        root.put("created_at", createdAt.toString());
        ObjectNode store = root.putObject("store");
        store.put("kind", storeKind.name().toLowerCase(Locale.ROOT));
        store.put("schema_version", schemaVersion);
        ObjectNode chain = root.putObject("audit");
        chain.put("records", audit.records());
        chain.put("last_seq", audit.lastSeq());
        chain.put("head_hash", audit.headHash());
        chain.put("intact", audit.intact());
        if (database != null) {
            file(root.putObject("database"), database);
        }
        if (checkpoints != null) {
            ObjectNode anchors = root.putObject("checkpoints");
            if (checkpoints.file() != null) {
                file(anchors.putObject("file"), checkpoints.file());
            }
            anchors.put("count", checkpoints.count());
            anchors.put("anchored_seq", checkpoints.anchoredSeq());
            anchors.put(
                    "anchored_at",
                    checkpoints.anchoredAt() == null
                            ? null
                            : checkpoints.anchoredAt().toString());
            anchors.put("signatures_checked", checkpoints.signaturesChecked());
        }
        root.put("snapshot_millis", snapshotMillis);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JacksonException e) {
            throw new IllegalStateException("a tree of plain values always serialises", e);
        }
    }

    /** Parses what {@link #toJson()} wrote; anything else is a {@link BackupException} naming what is wrong. */
    public static BackupManifest parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw invalid("it is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw invalid("it is not a JSON object");
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw invalid("its format is '" + root.path("format").asText() + "', this release reads " + FORMAT);
        }
        JsonNode store = root.path("store");
        Dialect kind;
        try {
            kind = Dialect.valueOf(text(store, "kind").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("store.kind is neither sqlite nor postgresql");
        }
        JsonNode chain = root.path("audit");
        ChainHead audit = new ChainHead(
                number(chain, "records"),
                number(chain, "last_seq"),
                text(chain, "head_hash"),
                chain.path("intact").asBoolean(false));
        FileDigest database = root.has("database") ? file(root.path("database")) : null;
        Anchors anchors = null;
        if (root.has("checkpoints")) {
            JsonNode node = root.path("checkpoints");
            anchors = new Anchors(
                    node.has("file") ? file(node.path("file")) : null,
                    number(node, "count"),
                    number(node, "anchored_seq"),
                    node.path("anchored_at").isTextual() ? instant(node, "anchored_at") : null,
                    node.path("signatures_checked").asBoolean(false));
        }
        return new BackupManifest(
                text(root, "palisade_version"),
                instant(root, "created_at"),
                kind,
                text(store, "schema_version"),
                audit,
                database,
                anchors,
                root.path("snapshot_millis").asLong(0));
    }

    private static void file(ObjectNode node, FileDigest file) {
        node.put("name", file.name());
        node.put("bytes", file.bytes());
        node.put("sha256", file.sha256());
    }

    private static FileDigest file(JsonNode node) {
        return new FileDigest(text(node, "name"), number(node, "bytes"), text(node, "sha256"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw invalid(field + " is missing");
        }
        return value.asText();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.canConvertToExactIntegral() || value.asLong() < 0) {
            throw invalid(field + " is missing or not a count");
        }
        return value.asLong();
    }

    private static Instant instant(JsonNode node, String field) {
        try {
            return Instant.parse(text(node, field));
        } catch (DateTimeParseException e) {
            throw invalid(field + " is not a time");
        }
    }

    private static BackupException invalid(String why) {
        return new BackupException("the backup's manifest.json is not a Palisade backup manifest: " + why);
    }
}
