package io.palisade.admission;

import io.palisade.store.LimitsStore;
import java.util.HashMap;
import java.util.Map;

/**
 * The limits of every key, user and team, held in memory like the key registry and reloaded with
 * it on every change, so admission reads no database. Thread-safe: readers see one snapshot.
 */
public final class LimitsRegistry {
    private final LimitsStore store;
    private final LimitsCodec codec;
    private volatile Map<String, Limits> byScope = Map.of();

    public LimitsRegistry(LimitsStore store, LimitsCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    public synchronized void reload() {
        Map<String, Limits> snapshot = new HashMap<>();
        for (LimitsStore.Scope scope : LimitsStore.Scope.values()) {
            store.all(scope).forEach((id, json) -> snapshot.put(key(scope, id), codec.parseStored(json)));
        }
        byScope = Map.copyOf(snapshot);
    }

    /** The limits set on one scope, {@link Limits#NONE} when none. */
    public Limits of(LimitsStore.Scope scope, String id) {
        return id == null ? Limits.NONE : byScope.getOrDefault(key(scope, id), Limits.NONE);
    }

    private static String key(LimitsStore.Scope scope, String id) {
        return scope.name() + ":" + id;
    }
}
