package io.palisade.assembly;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.config.PalisadeConfig;
import io.palisade.routing.ModelCatalog;
import io.palisade.routing.ModelFamilies;
import io.palisade.upstream.Backend;
import io.palisade.upstream.BackendFactory;
import io.palisade.upstream.BackendHealth;
import io.palisade.upstream.BackgroundChecks;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The backends built from the config, the model catalog over them (configured and discovered
 * models), their families, and their health. Owns three kinds of threads: the backends' watchdog
 * ("palisade-deadlines": exchange deadlines and idle-connection sweeps, tasks that only close
 * sockets and fail futures, so a deadline fires on time whatever else waits), the schedules of
 * discovery and probes ("palisade-backend-checks", which only hand work on), and the checks
 * themselves ({@link BackgroundChecks}: a virtual thread per check, one at a time per backend).
 */
public final class BackendsAssembly implements Assembly {
    private final ScheduledThreadPoolExecutor deadlines;
    private final ScheduledThreadPoolExecutor checkSchedules;
    private final BackgroundChecks checks;
    private final BackendFactory factory;
    private final ModelCatalog catalog;
    private final ModelFamilies families;
    private final BackendHealth health;
    private final ScheduledFuture<?> discovery;
    private final ScheduledFuture<?> probes;

    public BackendsAssembly(
            PalisadeConfig config,
            StoreAssembly store,
            ObservabilityAssembly observability,
            ObjectMapper json,
            Clock clock) {
        this.deadlines = SchedulerThread.named("palisade-deadlines");
        this.checkSchedules = SchedulerThread.named("palisade-backend-checks");
        this.checks = new BackgroundChecks();
        try {
            this.factory = new BackendFactory(deadlines, json, clock);
            Map<String, Backend> backends = factory.build(config.backends(), List.of(), Map.of());
            this.catalog = new ModelCatalog(
                    new ModelCatalog.Sources(config.models(), config.backends(), backends), clock, checks);
            // The first discovery runs in the background: the listener opens at once, configured models
            // are routable at once, discovered ones appear as each backend answers (readiness waits).
            catalog.refresh();
            long interval = config.discoveryInterval().toMillis();
            this.discovery =
                    checkSchedules.scheduleWithFixedDelay(catalog::refresh, interval, interval, TimeUnit.MILLISECONDS);
            this.families = new ModelFamilies(catalog);
            this.health = new BackendHealth(catalog::backends, clock, observability.metrics()::backendProbed);
            long probeEvery = config.observability().probeInterval().toMillis();
            this.probes = checkSchedules.scheduleWithFixedDelay(
                    () -> {
                        checks.request("store", store.health()::check);
                        health.probeAll(checks);
                    },
                    0,
                    probeEvery,
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            stopThreads(); // not yet an assembly anyone will close
            throw e;
        }
    }

    /** Builds backends again on a config reload. */
    public BackendFactory factory() {
        return factory;
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    public ModelFamilies families() {
        return families;
    }

    public BackendHealth health() {
        return health;
    }

    /** The backends' watchdog ("palisade-deadlines"), for tests to look at what it has queued. */
    public ScheduledThreadPoolExecutor deadlines() {
        return deadlines;
    }

    /** Whether some backend is up and every discovering backend has answered once (part of readiness). */
    public boolean ready() {
        return health.anyUp() && catalog.discoveredOnce();
    }

    /**
     * Runs after every later assembly closed: the HTTP surface has let in-flight requests finish (their
     * deadlines are cancelled) and the lifecycle no longer asks for discovery. Stops the schedules,
     * then the threads.
     */
    @Override
    public void close() {
        discovery.cancel(false);
        probes.cancel(false);
        stopThreads();
    }

    private void stopThreads() {
        checkSchedules.shutdownNow();
        checks.close();
        deadlines.shutdownNow();
    }
}
