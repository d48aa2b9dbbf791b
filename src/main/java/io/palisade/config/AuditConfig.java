package io.palisade.config;

/**
 * Audit behaviour. {@code content} decides whether prompts and answers are captured at all
 * (off by default); {@code groupCommitMaxBatch} caps how many records share one transaction.
 */
public record AuditConfig(ContentCapture content, int contentMaxChars, int groupCommitMaxBatch) {

    public enum ContentCapture { OFF, TRUNCATED, FULL }
}
