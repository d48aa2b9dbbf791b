package io.palisade.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the router knows about one deployment right now: requests in flight, its circuit breaker,
 * its recent outcomes, and whether it serves what it is pinned to. One instance per public model
 * and deployment id, kept across config reloads so that a reload does not forget an open breaker.
 * Thread-safe.
 */
public final class DeploymentHealth {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CircuitBreaker breaker = new CircuitBreaker();
    private final OutcomeWindow window = new OutcomeWindow();
    private volatile boolean drifted;
    private volatile String driftDetail;

    public int inFlight() {
        return inFlight.get();
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void ended() {
        inFlight.decrementAndGet();
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public OutcomeWindow window() {
        return window;
    }

    public boolean drifted() {
        return drifted;
    }

    public String driftDetail() {
        return driftDetail;
    }

    /** Set by the pin check: true when the deployment serves something other than its pin. */
    public void drift(boolean isDrifted, String detail) {
        this.drifted = isDrifted;
        this.driftDetail = detail;
    }
}
