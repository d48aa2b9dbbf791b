package io.palisade.audit;

import io.palisade.store.AuditStore;

/**
 * Walks the whole chain and reports the first broken link: a row whose content no longer matches
 * its hash (altered), whose sequence number skips (removed) or whose previous-hash does not name
 * the row before it (removed or reordered). Rows removed from the very end leave no broken link;
 * {@link Result#headHash()} is printed so operators can anchor it elsewhere (docs/security.md).
 */
public final class AuditVerifier {
    private final AuditStore store;

    public AuditVerifier(AuditStore store) {
        this.store = store;
    }

    public record Result(boolean intact, long records, long firstBrokenSeq, String problem, String headHash) {}

    public Result verify() {
        State state = new State();
        store.scan(event -> {
            if (state.problem != null) {
                return;
            }
            state.records++;
            long expectedSeq = state.lastSeq + 1;
            if (event.seq() != expectedSeq) {
                state.fail(event.seq(), "sequence jumps from " + state.lastSeq + " to " + event.seq() + " (records removed)");
            } else if (!event.prevHash().equals(state.lastHash)) {
                state.fail(event.seq(), "previous-hash does not match record " + state.lastSeq + " (records removed or reordered)");
            } else if (!HashChain.hashOf(event).equals(event.hash())) {
                state.fail(event.seq(), "content does not match its hash (record altered)");
            }
            state.lastSeq = event.seq();
            state.lastHash = event.hash();
        });
        return new Result(state.problem == null, state.records, state.brokenSeq, state.problem, state.lastHash);
    }

    private static final class State {
        long records;
        long lastSeq;
        String lastHash = HashChain.GENESIS;
        long brokenSeq = -1;
        String problem;

        void fail(long seq, String why) {
            brokenSeq = seq;
            problem = why;
        }
    }
}
