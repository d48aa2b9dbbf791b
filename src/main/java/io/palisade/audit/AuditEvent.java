package io.palisade.audit;

/**
 * One row of the append-only audit chain. {@code body} is canonical JSON; {@code hash} covers the
 * row's content and {@code prevHash}, so altering, removing or reordering rows breaks the chain.
 * {@code seq} is 0 until the writer assigns it.
 */
public record AuditEvent(
        long seq, String requestId, String kind, String at, String userId, String body, String prevHash, String hash) {

    public static final String STARTED = "started";
    public static final String COMPLETED = "completed";
    public static final String DENIED = "denied";
    public static final String ADMIN = "admin";

    public AuditEvent chained(long newSeq, String newPrevHash) {
        AuditEvent unhashed = new AuditEvent(newSeq, requestId, kind, at, userId, body, newPrevHash, "");
        return new AuditEvent(newSeq, requestId, kind, at, userId, body, newPrevHash, HashChain.hashOf(unhashed));
    }
}
