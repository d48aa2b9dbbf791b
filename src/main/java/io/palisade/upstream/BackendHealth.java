package io.palisade.upstream;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Active health probes: every backend is asked for its model list ({@code /api/tags} or
 * {@code /v1/models}) on a schedule, each backend on its own, off the request path; the last answer per backend is kept for readiness, the admin
 * API, {@code palisade status} and the {@code palisade_backend_up} metric. Thread-safe.
 */
public final class BackendHealth {
    /** The last probe of one backend. {@code error} is a non-secret description, null when up. */
    public record Probe(String backend, boolean up, int models, double latencyMillis, Instant at, String error) {}

    private final java.util.function.Supplier<Map<String, Backend>> backends;
    private final Clock clock;
    private final BiConsumer<String, Boolean> observer;
    private final Map<String, Probe> last = new ConcurrentHashMap<>();

    /** {@code observer} hears every probe result (metrics). */
    public BackendHealth(
            java.util.function.Supplier<Map<String, Backend>> backends,
            Clock clock,
            BiConsumer<String, Boolean> observer) {
        this.backends = backends;
        this.clock = clock;
        this.observer = observer;
    }

    /**
     * Probes every backend in the background, each on its own through {@code checks} and bounded
     * by its limit for checks; returns at once. A backend whose previous probe is still waiting is
     * probed again when that one ends, so a backend that never answers delays only its own probe.
     */
    public void probeAll(BackgroundChecks checks) {
        Map<String, Backend> current = backends.get();
        last.keySet().retainAll(current.keySet());
        current.keySet()
                .forEach(name -> checks.request("probe:" + name, () -> {
                    if (backends.get().containsKey(name)) {
                        probe(name);
                    }
                }));
    }

    /**
     * Probes {@code names} now, all at once, each on its own virtual thread, and returns their
     * probes by name once all have answered: the wait is the slowest backend's limit for checks,
     * not the sum of them (the admin API's "probe every backend now").
     */
    public Map<String, Probe> probeNow(java.util.Collection<String> names) {
        Map<String, java.util.concurrent.Future<Probe>> running = new java.util.LinkedHashMap<>();
        try (java.util.concurrent.ExecutorService each =
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            names.forEach(name -> running.put(name, each.submit(() -> probe(name))));
        }
        Map<String, Probe> probes = new java.util.LinkedHashMap<>();
        running.forEach((name, probe) -> probes.put(name, probe.resultNow()));
        return probes;
    }

    /** True when the backend failed its last probe (false when it passed or was never probed). */
    public boolean down(String name) {
        Probe probe = last.get(name);
        return probe != null && !probe.up();
    }

    public Probe probe(String name) {
        long start = System.nanoTime();
        Probe probe;
        try {
            Backend backend = backends.get().get(name);
            if (backend == null) {
                throw new io.palisade.error.PalisadeException(
                        io.palisade.error.ErrorCode.NOT_FOUND, "no backend '" + name + "'");
            }
            List<String> models = backend.listModels();
            probe = new Probe(name, true, models.size(), (System.nanoTime() - start) / 1e6, clock.instant(), null);
        } catch (Exception e) {
            String error = e instanceof io.palisade.error.PalisadeException known ? known.getMessage() : "probe failed";
            probe = new Probe(name, false, 0, (System.nanoTime() - start) / 1e6, clock.instant(), error);
        }
        last.put(name, probe);
        observer.accept(name, probe.up());
        return probe;
    }

    /** The last probe of each backend (backends never probed are absent). */
    public Map<String, Probe> last() {
        return Map.copyOf(last);
    }

    /** True when every backend configured now has been probed at least once. */
    public boolean probedAll() {
        return last.keySet().containsAll(backends.get().keySet());
    }

    /** True when at least one backend answered its last probe. */
    public boolean anyUp() {
        return last.values().stream().anyMatch(Probe::up);
    }
}
