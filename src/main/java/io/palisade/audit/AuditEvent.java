package io.palisade.audit;

/**
 * One row of the append-only audit chain. {@code body} is canonical JSON; {@code hash} covers the
 * row's content and {@code prevHash}, so altering, removing or reordering rows breaks the chain.
 * {@code seq} is 0 until the writer assigns it.
 *
 * <p>{@code personal} is null for a row of format 1 (written before personal data was kept apart:
 * any personal field is in the body, which the hash covers). A row of format 2 keeps its personal
 * fields there, and its hash covers their salted digest instead ({@link PersonalData}, {@link HashChain}).
 */
public record AuditEvent(
        long seq,
        String requestId,
        String kind,
        String at,
        String userId,
        String body,
        String prevHash,
        String hash,
        PersonalData personal) {

    public static final String STARTED = "started";
    public static final String COMPLETED = "completed";
    public static final String DENIED = "denied";
    public static final String ADMIN = "admin";

    /** The rows' formats: what a row's hash covers. */
    public static final int FORMAT_BODY_ONLY = 1;

    public static final int FORMAT_PERSONAL_APART = 2;

    /** A row of format 1 (no personal data apart). */
    public AuditEvent(
            long seq,
            String requestId,
            String kind,
            String at,
            String userId,
            String body,
            String prevHash,
            String hash) {
        this(seq, requestId, kind, at, userId, body, prevHash, hash, null);
    }

    public int format() {
        return personal == null ? FORMAT_BODY_ONLY : FORMAT_PERSONAL_APART;
    }

    public AuditEvent chained(long newSeq, String newPrevHash) {
        AuditEvent unhashed = new AuditEvent(newSeq, requestId, kind, at, userId, body, newPrevHash, "", personal);
        return new AuditEvent(
                newSeq, requestId, kind, at, userId, body, newPrevHash, HashChain.hashOf(unhashed), personal);
    }

    /** This row with its personal data erased at {@code erasedAt} (a row of format 1 is returned as it is). */
    public AuditEvent erased(String erasedAt) {
        if (personal == null || personal.erased()) {
            return this;
        }
        return new AuditEvent(seq, requestId, kind, at, userId, body, prevHash, hash, personal.erasedAt(erasedAt));
    }
}
