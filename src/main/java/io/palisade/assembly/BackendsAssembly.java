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
import java.util.concurrent.TimeUnit;

/**
 * The backends built from the config, the model catalog over them (configured and discovered
 * models), their families, and their health. Schedules discovery and probes on
 * "palisade-backend-checks"; the checks themselves run on the shared {@link BackgroundChecks}.
 */
public final class BackendsAssembly implements Assembly {
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
            SharedThreads threads,
            ObjectMapper json,
            Clock clock) {
        BackgroundChecks checks = threads.checks();
        this.factory = new BackendFactory(threads.deadlines(), json, clock);
        Map<String, Backend> backends = factory.build(config.backends(), List.of(), Map.of());
        this.catalog =
                new ModelCatalog(new ModelCatalog.Sources(config.models(), config.backends(), backends), clock, checks);
        // The first discovery runs in the background: the listener opens at once, configured models
        // are routable at once, discovered ones appear as each backend answers (readiness waits).
        catalog.refresh();
        long interval = config.discoveryInterval().toMillis();
        this.discovery = threads.backendChecks()
                .scheduleWithFixedDelay(catalog::refresh, interval, interval, TimeUnit.MILLISECONDS);
        this.families = new ModelFamilies(catalog);
        this.health = new BackendHealth(catalog::backends, clock, observability.metrics()::backendProbed);
        long probeEvery = config.observability().probeInterval().toMillis();
        this.probes = threads.backendChecks()
                .scheduleWithFixedDelay(
                        () -> {
                            checks.request("store", store.health()::check);
                            health.probeAll(checks);
                        },
                        0,
                        probeEvery,
                        TimeUnit.MILLISECONDS);
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

    /** Whether some backend is up and every discovering backend has answered once (part of readiness). */
    public boolean ready() {
        return health.anyUp() && catalog.discoveredOnce();
    }

    @Override
    public void close() {
        discovery.cancel(false);
        probes.cancel(false);
    }
}
