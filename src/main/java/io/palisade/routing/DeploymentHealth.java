package io.palisade.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the router knows about one deployment right now: requests in flight, its circuit breaker,
 * its recent outcomes, and whether it serves what it is pinned to. One instance per public model
 * and deployment id, kept across config reloads that keep the deployment, so that a reload does
 * not forget an open breaker. Thread-safe.
 */
public final class DeploymentHealth {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CircuitBreaker breaker = new CircuitBreaker();
    private volatile OutcomeWindow window;
    private volatile boolean drifted;
    private volatile String driftDetail;
    private volatile boolean pinUnchecked;

    /** {@code windowMillis}: how long recent outcomes are kept (the model's canary rule's window). */
    public DeploymentHealth(long windowMillis) {
        this.window = new OutcomeWindow(windowMillis);
    }

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

    /**
     * Keeps recent outcomes over {@code windowMillis} from now on (a reload changed the rule). A
     * different length starts an empty window: outcomes counted in other slots cannot be compared.
     */
    void windowMillis(long windowMillis) {
        if (window.windowMillis() != windowMillis) {
            window = new OutcomeWindow(windowMillis);
        }
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

    /**
     * True from the deployment's creation with a pin until its first pin check concludes (whatever
     * it found): the router treats it as drifted meanwhile, since its weights are unverified.
     */
    public boolean pinUnchecked() {
        return pinUnchecked;
    }

    void awaitPinCheck() {
        pinUnchecked = true;
    }

    /** Set by the pin check once it concluded, whatever it found. */
    public void pinChecked() {
        pinUnchecked = false;
    }
}
