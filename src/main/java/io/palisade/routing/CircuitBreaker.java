package io.palisade.routing;

/**
 * Passive ejection of one deployment. Closed: requests flow and consecutive failures are counted;
 * at the threshold it opens. Open: no requests until the cool-down has passed; then it lets exactly
 * one trial request through (half-open). The trial's success closes it, its failure opens it for
 * another cool-down. Thresholds are passed in on each call, so a config reload takes effect at once.
 * Thread-safe (one small lock per deployment; held for nanoseconds).
 */
public final class CircuitBreaker {
    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openUntilMillis;
    /**
     * The thread holding the half-open trial, null when none is out. A thread names the request:
     * a request runs on one thread from its choice to its end.
     */
    private Thread trialHolder;

    /** Whether a request may be sent now; in half-open state the caller that gets true is the trial. */
    public synchronized boolean tryAcquire(long nowMillis) {
        switch (state) {
            case CLOSED -> {
                return true;
            }
            case OPEN -> {
                if (nowMillis < openUntilMillis) {
                    return false;
                }
                state = State.HALF_OPEN;
                trialHolder = Thread.currentThread();
                return true;
            }
            default -> {
                if (trialHolder != null) {
                    return false;
                }
                trialHolder = Thread.currentThread();
                return true;
            }
        }
    }

    /** Whether {@link #tryAcquire} would let a request through now, without taking the trial. */
    public synchronized boolean available(long nowMillis) {
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> nowMillis >= openUntilMillis;
            case HALF_OPEN -> trialHolder == null;
        };
    }

    /** Records a success; returns true when this success closed a breaker that was not closed. */
    public synchronized boolean success() {
        boolean changed = state != State.CLOSED;
        state = State.CLOSED;
        consecutiveFailures = 0;
        trialHolder = null;
        return changed;
    }

    /** Records a failure; returns true when this failure opened the breaker. */
    public synchronized boolean failure(long nowMillis, int threshold, long coolDownMillis) {
        consecutiveFailures++;
        if (state == State.HALF_OPEN || (state == State.CLOSED && consecutiveFailures >= threshold)) {
            state = State.OPEN;
            openUntilMillis = nowMillis + coolDownMillis;
            trialHolder = null;
            return true;
        }
        return false;
    }

    /**
     * Releases the trial held by the calling thread when its request ended neither in success nor
     * failure (e.g. the caller's own error). A request let through while the breaker was closed
     * holds no trial, so its release must not free the trial another request took since.
     */
    public synchronized void release() {
        if (trialHolder == Thread.currentThread()) {
            trialHolder = null;
        }
    }

    public synchronized State state() {
        return state;
    }

    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }
}
