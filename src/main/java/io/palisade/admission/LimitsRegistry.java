package io.palisade.admission;

import io.palisade.config.LimitsConfig;
import io.palisade.store.LimitsStore;
import java.util.HashMap;
import java.util.Map;

/**
 * The limits of every key, user and team, held in memory like the key registry and reloaded with
 * it on every change, so admission reads no database. The one source of truth for limits: a key's
 * creation flag ({@code requests_per_minute}) is stored among its limits, and admission and
 * {@code limits show} both read {@link #effective}, so what is shown is what is enforced.
 * Thread-safe: readers see one snapshot.
 */
public final class LimitsRegistry {
    private final LimitsStore store;
    private final LimitsCodec codec;
    private final LimitsConfig defaults;
    private volatile Snapshot snapshot;

    /** {@code defaults} gives the key-level defaults (limits.default_*) for fields a key leaves unset. */
    public LimitsRegistry(LimitsStore store, LimitsCodec codec, LimitsConfig defaults) {
        this.store = store;
        this.codec = codec;
        this.defaults = defaults;
        this.snapshot = new Snapshot(Map.of(), defaults);
    }

    public synchronized void reload() {
        Map<String, Limits> byScope = new HashMap<>();
        for (LimitsStore.Scope scope : LimitsStore.Scope.values()) {
            store.all(scope).forEach((id, json) -> byScope.put(key(scope, id), codec.parseStored(json)));
        }
        snapshot = new Snapshot(Map.copyOf(byScope), defaults);
    }

    /** The limits set on one scope, {@link Limits#NONE} when none. */
    public Limits of(LimitsStore.Scope scope, String id) {
        return snapshot.of(scope, id);
    }

    /**
     * The limits admission enforces on one scope: those set on it, and for a key the configured
     * defaults in the fields it leaves unset ({@code 0} = unlimited).
     */
    public Limits effective(LimitsStore.Scope scope, String id) {
        return snapshot.effective(scope, id);
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
        private final LimitsConfig defaults;

        private Snapshot(Map<String, Limits> byScope, LimitsConfig defaults) {
            this.byScope = byScope;
            this.defaults = defaults;
        }

        /** See {@link LimitsRegistry#effective}. */
        Limits effective(LimitsStore.Scope scope, String id) {
            Limits set = of(scope, id);
            return scope != LimitsStore.Scope.KEY
                    ? set
                    : set.orDefaults(
                            defaults.defaultRequestsPerMinute(),
                            defaults.defaultTokensPerMinute(),
                            defaults.defaultMaxConcurrent());
        }

        /** The limits set on one scope, {@link Limits#NONE} when none. */
        Limits of(LimitsStore.Scope scope, String id) {
            return id == null ? Limits.NONE : byScope.getOrDefault(key(scope, id), Limits.NONE);
        }
    }
}
