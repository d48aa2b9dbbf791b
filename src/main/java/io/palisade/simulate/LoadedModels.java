package io.palisade.simulate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which models are "in memory", as {@code /api/ps} reports them. A model loads when a request uses
 * it and stays until its keep-alive runs out or a request unloads it. Thread-safe.
 */
final class LoadedModels {
    /** How far away "forever" is; Ollama likewise reports a far-future expiry for keep_alive -1. */
    private static final Duration FOREVER = Duration.ofDays(365L * 100);

    private final Clock clock;
    private final Map<String, Loaded> loaded = new LinkedHashMap<>();

    record Loaded(ModelDescriptor model, Instant expiresAt) {}

    LoadedModels(Clock clock) {
        this.clock = clock;
    }

    /** Marks the model as used now; returns true when it had to be loaded (a cold start). */
    synchronized boolean touch(ModelDescriptor model, Duration keepAlive) {
        Instant now = clock.instant();
        boolean cold = !isLoaded(model.name(), now);
        Instant expiresAt = now.plus(keepAlive.isNegative() ? FOREVER : keepAlive);
        loaded.put(model.name(), new Loaded(model, expiresAt));
        return cold;
    }

    synchronized void unload(ModelDescriptor model) {
        loaded.remove(model.name());
    }

    /** Models still loaded now, in the order they were first loaded. */
    synchronized List<Loaded> snapshot() {
        Instant now = clock.instant();
        loaded.values().removeIf(entry -> !entry.expiresAt().isAfter(now));
        return new ArrayList<>(loaded.values());
    }

    private boolean isLoaded(String name, Instant now) {
        Loaded entry = loaded.get(name);
        return entry != null && entry.expiresAt().isAfter(now);
    }
}
