package io.palisade.routing;

/**
 * Where a canary candidate stands. ACTIVE: it gets its configured share. PROMOTED: it gets all the
 * traffic (the baseline deployments stay as failover). ROLLED_BACK: it gets none.
 */
public enum CanaryPhase {
    ACTIVE,
    PROMOTED,
    ROLLED_BACK;

    /** The phase of each canary by model and deployment id. Implementations are thread-safe and fast (read on every request). */
    public interface Source {
        CanaryPhase phase(String model, String deploymentId);
    }
}
