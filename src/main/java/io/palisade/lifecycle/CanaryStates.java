package io.palisade.lifecycle;

import io.palisade.routing.CanaryPhase;
import io.palisade.store.CanaryStateStore;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The canary phases the router reads on every request, from an in-memory snapshot of the store.
 * Changes made here are written through at once; changes made by other replicas arrive with the
 * next {@link #reload()} (run every second in the background). Thread-safe.
 */
public final class CanaryStates implements CanaryPhase.Source {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryStates.class);

    private final CanaryStateStore store;
    private volatile Map<String, CanaryStateStore.Row> snapshot = Map.of();

    public CanaryStates(CanaryStateStore store) {
        this.store = store;
    }

    @Override
    public CanaryPhase phase(String model, String deploymentId) {
        CanaryStateStore.Row row = snapshot.get(key(model, deploymentId));
        return row == null ? CanaryPhase.ACTIVE : CanaryPhase.valueOf(row.phase());
    }

    /** The stored row behind a phase other than active; null when active. */
    public CanaryStateStore.Row row(String model, String deploymentId) {
        return snapshot.get(key(model, deploymentId));
    }

    public void reload() {
        try {
            Map<String, CanaryStateStore.Row> rows = new HashMap<>();
            for (CanaryStateStore.Row row : store.all()) {
                rows.put(key(row.model(), row.deployment()), row);
            }
            snapshot = Map.copyOf(rows);
        } catch (RuntimeException e) {
            // Keep routing on the last known phases; the next poll tries again.
            LOG.warn("cannot reload canary states: {}", e.getMessage());
        }
    }

    synchronized void set(CanaryStateStore.Row row) {
        store.set(row);
        reload();
    }

    synchronized void clear(String model, String deploymentId) {
        store.clear(model, deploymentId);
        reload();
    }

    private static String key(String model, String deploymentId) {
        return model + '\u0000' + deploymentId;
    }
}
