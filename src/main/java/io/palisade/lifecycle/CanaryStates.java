package io.palisade.lifecycle;

import io.palisade.routing.CanaryPhase;
import io.palisade.store.CanaryStateStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The canary phases the router reads on every request, from an in-memory snapshot of the store.
 * Changes made here are written through at once; changes made by other replicas arrive with the
 * next {@link #reload()} (run every second in the background). A stored phase this version does
 * not know (written by a newer one) counts as active, the phase without a row, and is logged once.
 * Thread-safe.
 */
public final class CanaryStates implements CanaryPhase.Source {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryStates.class);

    /** A stored row with its phase, parsed once per reload rather than on every request. */
    private record State(CanaryStateStore.Row row, CanaryPhase phase) {}

    private final CanaryStateStore store;
    private final Set<String> unknownPhasesLogged = ConcurrentHashMap.newKeySet();
    private volatile Map<String, State> snapshot = Map.of();

    public CanaryStates(CanaryStateStore store) {
        this.store = store;
    }

    @Override
    public CanaryPhase phase(String model, String deploymentId) {
        State state = snapshot.get(key(model, deploymentId));
        return state == null ? CanaryPhase.ACTIVE : state.phase();
    }

    /** The stored row behind the canary's phase; null when there is none (active). */
    public CanaryStateStore.Row row(String model, String deploymentId) {
        State state = snapshot.get(key(model, deploymentId));
        return state == null ? null : state.row();
    }

    public void reload() {
        try {
            Map<String, State> states = new HashMap<>();
            for (CanaryStateStore.Row row : store.all()) {
                states.put(key(row.model(), row.deployment()), new State(row, phaseOf(row)));
            }
            snapshot = Map.copyOf(states);
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

    private CanaryPhase phaseOf(CanaryStateStore.Row row) {
        try {
            return CanaryPhase.valueOf(row.phase());
        } catch (IllegalArgumentException e) {
            if (unknownPhasesLogged.add(key(row.model(), row.deployment()) + '\u0000' + row.phase())) {
                LOG.error(
                        "canary {} of model {} has the stored phase '{}', which this version does not know; it is treated as active",
                        row.deployment(),
                        row.model(),
                        row.phase());
            }
            return CanaryPhase.ACTIVE;
        }
    }

    private static String key(String model, String deploymentId) {
        return model + '\u0000' + deploymentId;
    }
}
