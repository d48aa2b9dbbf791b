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
    private volatile Snapshot snapshot = new Snapshot(Map.of());

    public LimitsRegistry(LimitsStore store, LimitsCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    public synchronized void reload() {
        Map<String, Limits> byScope = new HashMap<>();
        for (LimitsStore.Scope scope : LimitsStore.Scope.values()) {
            store.all(scope).forEach((id, json) -> byScope.put(key(scope, id), codec.parseStored(json)));
        }
        snapshot = new Snapshot(Map.copyOf(byScope));
    }

    /** The limits set on one scope, {@link Limits#NONE} when none. */
    public Limits of(LimitsStore.Scope scope, String id) {
        return snapshot.of(scope, id);
    }

    /**
     * The limits as last loaded. Every reload makes a new snapshot, so what admission derives from
     * one is current exactly while it is still the one returned here.
     */
    Snapshot snapshot() {
        return snapshot;
    }

    private static String key(LimitsStore.Scope scope, String id) {
        return scope.name() + ":" + id;
    }

    /** The limits of every scope as of one reload. Immutable. */
    static final class Snapshot {
        private final Map<String, Limits> byScope;

        private Snapshot(Map<String, Limits> byScope) {
            this.byScope = byScope;
        }

        /** The limits set on one scope, {@link Limits#NONE} when none. */
        Limits of(LimitsStore.Scope scope, String id) {
            return id == null ? Limits.NONE : byScope.getOrDefault(key(scope, id), Limits.NONE);
        }
    }
}
