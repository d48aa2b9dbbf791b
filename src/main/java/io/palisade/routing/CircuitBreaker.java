package io.palisade.routing;

/**
 * Passive ejection of one deployment. Closed: requests flow and consecutive failures are counted;
 * at the threshold it opens. Open: no requests until the cool-down has passed; then it lets exactly
 * one trial request through (half-open). The trial's success closes it, its failure opens it for
 * another cool-down. Thresholds are passed in on each call, so a config reload takes effect at once.
 * Thread-safe (one small lock per deployment; held for nanoseconds).
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openUntilMillis;
    private boolean trialInFlight;

    /** Whether a request may be sent now; in half-open state the caller that gets true is the trial. */
    public synchronized boolean tryAcquire(long nowMillis) {
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (nowMillis < openUntilMillis) {
                    return false;
                }
                state = State.HALF_OPEN;
                trialInFlight = true;
                return true;
            default:
                if (trialInFlight) {
                    return false;
                }
                trialInFlight = true;
                return true;
        }
    }

    /** Whether {@link #tryAcquire} would let a request through now, without taking the trial. */
    public synchronized boolean available(long nowMillis) {
        return switch (state) {
            case CLOSED -> true;
            case OPEN -> nowMillis >= openUntilMillis;
            case HALF_OPEN -> !trialInFlight;
        };
    }

    /** @return true when this success closed a breaker that was not closed */
    public synchronized boolean success() {
        boolean changed = state != State.CLOSED;
        state = State.CLOSED;
        consecutiveFailures = 0;
        trialInFlight = false;
        return changed;
    }

    /** @return true when this failure opened the breaker */
    public synchronized boolean failure(long nowMillis, int threshold, long coolDownMillis) {
        consecutiveFailures++;
        if (state == State.HALF_OPEN || (state == State.CLOSED && consecutiveFailures >= threshold)) {
            state = State.OPEN;
            openUntilMillis = nowMillis + coolDownMillis;
            trialInFlight = false;
            return true;
        }
        return false;
    }

    /** Releases a trial that ended neither in success nor failure (e.g. the caller's own error). */
    public synchronized void release() {
        trialInFlight = false;
    }

    public synchronized State state() {
        return state;
    }

    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }
}
