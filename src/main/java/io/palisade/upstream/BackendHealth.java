package io.palisade.upstream;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Active health probes: every backend is asked for its model list ({@code /api/tags} or
 * {@code /v1/models}) on a schedule; the last answer per backend is kept for readiness, the admin
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
    public BackendHealth(java.util.function.Supplier<Map<String, Backend>> backends, Clock clock, BiConsumer<String, Boolean> observer) {
        this.backends = backends;
        this.clock = clock;
        this.observer = observer;
    }

    /** Probes every backend now (sequentially; each bounded by its connect and first-byte timeouts). */
    public void probeAll() {
        Map<String, Backend> current = backends.get();
        last.keySet().retainAll(current.keySet());
        current.keySet().forEach(this::probe);
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
                throw new io.palisade.server.PalisadeException(io.palisade.server.ErrorCode.NOT_FOUND, "no backend '" + name + "'");
            }
            List<String> models = backend.listModels();
            probe = new Probe(name, true, models.size(), (System.nanoTime() - start) / 1e6, clock.instant(), null);
        } catch (Exception e) {
            String error = e instanceof io.palisade.server.PalisadeException known ? known.getMessage() : "probe failed";
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

    /** True when at least one backend answered its last probe. */
    public boolean anyUp() {
        return last.values().stream().anyMatch(Probe::up);
    }
}
