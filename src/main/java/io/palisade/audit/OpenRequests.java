package io.palisade.audit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This process' identity in the audit chain and the requests it has started but not yet ended,
 * so that after a crash the requests it left in flight can be found without scanning the chain:
 * every one of them has a "started" row (naming {@link #instanceId}) with a sequence number above
 * the last {@link #watermark} this process published. Bounded by the requests in flight.
 * Thread-safe.
 */
public final class OpenRequests {
    private final String instanceId;
    /** The highest sequence number of a row this process saw committed (or the chain's end at start). */
    private final AtomicLong lastSeq;
    /** Each open request with a bound its "started" row's sequence number is known to exceed. */
    private final Map<RequestRecord, Long> floors = new ConcurrentHashMap<>();

    public OpenRequests(String instanceId, long chainSeqAtStart) {
        this.instanceId = instanceId;
        this.lastSeq = new AtomicLong(chainSeqAtStart);
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * A sequence number such that every request of this process still open, or opened from now
     * on, has its "started" row above it. The last commit is read before the open requests: one
     * opened in between takes a floor at least that high.
     */
    public long watermark() {
        long watermark = lastSeq.get();
        for (long floor : floors.values()) {
            watermark = Math.min(watermark, floor);
        }
        return watermark;
    }

    /** True while some request has started and not ended. */
    public boolean anyOpen() {
        return !floors.isEmpty();
    }

    /** Before the "started" row is submitted: whatever is committed later gets a higher sequence number. */
    void opening(RequestRecord record) {
        floors.put(record, lastSeq.get());
    }

    /** The request's outcome row is committed (or could not be, or its "started" row failed): no longer open. */
    void closed(RequestRecord record) {
        floors.remove(record);
    }

    void committed(AuditEvent event) {
        lastSeq.accumulateAndGet(event.seq(), Math::max);
    }
}
