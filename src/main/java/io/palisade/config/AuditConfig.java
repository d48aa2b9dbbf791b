package io.palisade.config;

import io.palisade.store.StoreUrl;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Audit behaviour. {@code content} decides whether prompts and answers are captured at all
 * (off by default); {@code groupCommitMaxBatch} caps how many records share one transaction;
 * {@code checkpoints} says where and how often the chain's head is anchored outside the store.
 */
public record AuditConfig(
        ContentCapture content,
        int contentMaxChars,
        int groupCommitMaxBatch,
        Checkpoints checkpoints,
        Retention retention) {

    public enum ContentCapture {
        OFF,
        TRUNCATED,
        FULL
    }

    /** With the default checkpoints. */
    public AuditConfig(ContentCapture content, int contentMaxChars, int groupCommitMaxBatch) {
        this(content, contentMaxChars, groupCommitMaxBatch, Checkpoints.DEFAULTS);
    }

    /** With no retention (records are kept for ever). */
    public AuditConfig(ContentCapture content, int contentMaxChars, int groupCommitMaxBatch, Checkpoints checkpoints) {
        this(content, contentMaxChars, groupCommitMaxBatch, checkpoints, Retention.OFF);
    }

    /**
     * How long records stay in the store (docs/backup.md, "Retention and archives").
     *
     * @param after records older than this are archived, then removed from the store; null: kept for ever
     * @param directory where archive segments are written; null means the default ({@link #directoryFor})
     */
    public record Retention(Duration after, Path directory) {
        public static final Retention OFF = new Retention(null, null);

        public boolean enabled() {
            return after != null;
        }

        /**
         * The archive directory for the store at {@code storeUrl}: the configured one, else
         * {@code audit-archive} beside the SQLite file, else, for PostgreSQL,
         * {@code data/audit-archive-HOST_PORT_DATABASE} under the working directory.
         */
        public Path directoryFor(String storeUrl) {
            if (directory != null) {
                return directory;
            }
            StoreUrl store = StoreUrl.parse(storeUrl);
            if (store.file() != null) {
                return store.file().resolveSibling("audit-archive").normalize();
            }
            return Path.of("data", "audit-archive-" + Checkpoints.location(store));
        }
    }

    /**
     * Checkpoints of the chain's head (docs/security.md, "Anchoring the audit chain").
     *
     * @param file where checkpoints are appended; null means the default, derived from the store ({@link #fileFor})
     * @param interval how often a checkpoint is written when the head moved
     * @param everyRecords a checkpoint is also written as soon as the head moved this many records past the last one
     * @param key signs each checkpoint (HMAC-SHA256) when present
     */
    public record Checkpoints(Path file, Duration interval, int everyRecords, Secret key) {
        public static final Checkpoints DEFAULTS = new Checkpoints(null, Duration.ofSeconds(5), 10_000, Secret.empty());

        /**
         * The checkpoint file for the store at {@code storeUrl}: the configured one, else beside the
         * SQLite file ({@code palisade.db} → {@code palisade.audit-checkpoints.jsonl}), else, for
         * PostgreSQL, {@code data/audit-checkpoints-HOST_PORT_DATABASE.jsonl} under the working
         * directory. Named after the store, so stores never share a default file.
         */
        public Path fileFor(String storeUrl) {
            if (file != null) {
                return file;
            }
            StoreUrl store = StoreUrl.parse(storeUrl);
            if (store.file() != null) {
                String name = store.file().getFileName().toString();
                int dot = name.lastIndexOf('.');
                return store.file()
                        .resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".audit-checkpoints.jsonl")
                        .normalize();
            }
            return Path.of("data", "audit-checkpoints-" + location(store) + ".jsonl");
        }

        /** A PostgreSQL store's host, port and database as a file name part. */
        static String location(StoreUrl store) {
            String location = store.jdbcUrl().substring("jdbc:postgresql://".length());
            int query = location.indexOf('?');
            location = query < 0 ? location : location.substring(0, query);
            return location.replaceAll("[^A-Za-z0-9.-]", "_");
        }
    }
}
