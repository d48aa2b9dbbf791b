package io.palisade.audit;

import java.io.IOException;

/**
 * Erases a user's personal data from the audit (docs/security.md, "Erasing a user"): in the
 * store's records of format 2 and in the archive's segments. The chain still verifies: each
 * record's hash covers the digest of its personal data, which stays. Records of format 1 (written
 * before personal data was kept apart) cannot be erased without breaking the chain: they are
 * counted and left. Thread-safe.
 */
public final class AuditErasure {
    private final ChainMaintenance chain;
    private final AuditArchive archive;

    public AuditErasure(ChainMaintenance chain, AuditArchive archive) {
        this.chain = chain;
        this.archive = archive;
    }

    /**
     * What an erasure did.
     *
     * @param records stored records whose personal data was blanked
     * @param legacyRecords stored records of format 1 of the user, left as they are
     * @param archiveSegments archive segments rewritten without the user's personal data
     */
    public record Result(long records, long legacyRecords, int archiveSegments) {}

    /**
     * Blanks the personal data of {@code userId}'s records, and of admin records naming their
     * {@code email}, in the store, then in the archive. Idempotent.
     */
    public Result eraseUser(String userId, String email, String at) throws IOException {
        ChainMaintenance.Erased erased = chain.eraseUser(userId, email, at);
        int segments = archive.eraseUser(userId, email, at);
        return new Result(erased.records(), erased.legacyRecords(), segments);
    }

    /**
     * Rewrites the store's files so erased bytes no longer linger in freed space; true when done
     * (SQLite), false where the store cannot be made to (PostgreSQL; docs/security.md).
     */
    public boolean scrubStore() {
        return chain.scrubFreedSpace();
    }
}
