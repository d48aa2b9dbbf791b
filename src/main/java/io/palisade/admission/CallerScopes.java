package io.palisade.admission;

import io.palisade.auth.Caller;
import io.palisade.store.LimitsStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scopes whose limits apply to a caller (its key, its user, its team), built once per key and
 * reused while current, so that a request neither merges the key's limits with the defaults nor
 * builds claim keys and descriptions. The key registry and the limits registry both make new
 * objects on every reload, and a scope depends only on the caller and its limits (the
 * key defaults are part of the snapshot): an entry is current exactly while the caller and the limits snapshot it was built
 * from are the very objects in use, and is rebuilt otherwise.
 *
 * <p>Thread-safe: entries are immutable and held in a {@link ConcurrentHashMap}; requests that find
 * an entry stale at once build equal entries and the last one stays.
 */
final class CallerScopes {
    /** Deleted and rotated keys leave entries behind; past this many, all are dropped and rebuilt on use. */
    private static final int MAX_ENTRIES = 100_000;

    private final LimitsRegistry limits;
    private final int maxEntries;
    private final Map<String, Entry> byKeyId = new ConcurrentHashMap<>();

    private record Entry(Caller caller, LimitsRegistry.Snapshot snapshot, List<ScopeLimits> scopes) {}

    CallerScopes(LimitsRegistry limits) {
        this(limits, MAX_ENTRIES);
    }

    /** {@code maxEntries}: how many keys' scopes are kept at most (tests lower it). */
    CallerScopes(LimitsRegistry limits, int maxEntries) {
        this.limits = limits;
        this.maxEntries = maxEntries;
    }

    /** How many keys' scopes are kept: never more than the bound. */
    int size() {
        return byKeyId.size();
    }

    /** The key's, the user's and (when there is one) the team's scope, in that order. Immutable. */
    // Identity on purpose: the entry is reused only for the very caller object and limits snapshot it
    // was built from, a cheap exact check (any new snapshot or re-resolved caller rebuilds it).
    @SuppressWarnings("ReferenceEquality")
    List<ScopeLimits> of(Caller caller) {
        LimitsRegistry.Snapshot snapshot = limits.snapshot();
        Entry entry = byKeyId.get(caller.key().id());
        if (entry != null && entry.caller() == caller && entry.snapshot() == snapshot) {
            return entry.scopes();
        }
        List<ScopeLimits> scopes = build(caller, snapshot);
        if (byKeyId.size() >= maxEntries) {
            byKeyId.clear();
        }
        byKeyId.put(caller.key().id(), new Entry(caller, snapshot, scopes));
        return scopes;
    }

    private List<ScopeLimits> build(Caller caller, LimitsRegistry.Snapshot snapshot) {
        Limits key = snapshot.effective(LimitsStore.Scope.KEY, caller.key().id());
        ScopeLimits keyScope = new ScopeLimits(
                LimitsStore.Scope.KEY,
                "key " + caller.key().id(),
                "key:" + caller.key().id(),
                caller.key().id(),
                null,
                key);
        ScopeLimits userScope = new ScopeLimits(
                LimitsStore.Scope.USER,
                "user " + caller.user().email(),
                "user:" + caller.user().id(),
                caller.user().id(),
                null,
                snapshot.of(LimitsStore.Scope.USER, caller.user().id()));
        if (caller.team() == null) {
            return List.of(keyScope, userScope);
        }
        return List.of(
                keyScope,
                userScope,
                new ScopeLimits(
                        LimitsStore.Scope.TEAM,
                        "team " + caller.team().name(),
                        "team:" + caller.team().id(),
                        caller.team().name(),
                        null,
                        snapshot.of(LimitsStore.Scope.TEAM, caller.team().id())));
    }
}
