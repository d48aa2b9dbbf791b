package io.palisade.store;

/**
 * Which audit records a search wants; every field is optional (null: any). A record is a request's
 * "started" or "denied" row, or an admin row; the fields are those of that row (its user, key,
 * requested model, decision, the caller's own request id) and {@code since}/{@code until} bound its
 * time as ISO-8601 instant text, [since, until). Each field is served by an index on the chain
 * (migration V6), so a search reads the rows it returns, not the chain.
 */
public record AuditFilter(
        String userId,
        String keyId,
        String model,
        String decision,
        String clientRequestId,
        String since,
        String until) {

    public static final AuditFilter ALL = new AuditFilter(null, null, null, null, null, null, null);

    /** Everything of one user, e.g. for an export before deletion. */
    public static AuditFilter ofUser(String userId) {
        return new AuditFilter(userId, null, null, null, null, null, null);
    }

    /** True when this selects all of one user's records and nothing narrower: such an export permits deleting the user. */
    public boolean isAllOfOneUser() {
        return userId != null && equals(ofUser(userId));
    }
}
