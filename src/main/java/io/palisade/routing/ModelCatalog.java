package io.palisade.routing;

import io.palisade.config.BackendConfig;
import io.palisade.config.ModelConfig;
import io.palisade.config.PalisadeConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public model names and where they are served: the models named in the config, plus the models
 * discovered on backends with {@code discover_models} (served under their own names; a configured
 * name wins a clash). Lookups read an immutable snapshot; {@link #refresh()} rebuilds it.
 * A lookup miss triggers at most one refresh per {@code MISS_REFRESH_INTERVAL}, so a model pulled
 * into Ollama a moment ago is usable at once, without letting callers hammer the backends.
 * Thread-safe.
 */
public final class ModelCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);
    private static final Duration MISS_REFRESH_INTERVAL = Duration.ofSeconds(5);
    private static final String LATEST = ":latest";

    private final List<ModelConfig> configured;
    private final List<BackendConfig> backends;
    private final ModelDiscovery discovery;
    private final Clock clock;
    private final Map<String, List<String>> lastDiscovered = new ConcurrentHashMap<>();
    private final Map<String, Boolean> reachable = new ConcurrentHashMap<>();
    private volatile Map<String, ModelRoute> routes;
    private volatile Instant lastRefresh = Instant.EPOCH;

    public ModelCatalog(PalisadeConfig config, ModelDiscovery discovery, Clock clock) {
        this.configured = config.models();
        this.backends = config.backends();
        this.discovery = discovery;
        this.clock = clock;
        this.routes = build();
    }

    /** The route for {@code name}; like Ollama, an untagged name means its ":latest" tag. */
    public ModelRoute find(String name) {
        ModelRoute route = lookup(name);
        if (route == null && clock.instant().isAfter(lastRefresh.plus(MISS_REFRESH_INTERVAL))) {
            refresh();
            route = lookup(name);
        }
        return route;
    }

    private ModelRoute lookup(String name) {
        Map<String, ModelRoute> current = routes;
        ModelRoute route = current.get(name);
        if (route == null && name.indexOf(':') < 0) {
            route = current.get(name + LATEST);
        }
        return route;
    }

    public Collection<ModelRoute> all() {
        return routes.values();
    }

    /** Whether the last discovery reached {@code backend}; null when it was never asked. */
    public Boolean reachable(String backend) {
        return reachable.get(backend);
    }

    public synchronized void refresh() {
        lastRefresh = clock.instant();
        for (BackendConfig backend : backends) {
            if (!backend.discoverModels()) {
                continue;
            }
            try {
                lastDiscovered.put(backend.name(), List.copyOf(discovery.listModels(backend.name())));
                reachable.put(backend.name(), true);
            } catch (Exception e) {
                reachable.put(backend.name(), false);
                LOG.warn("model discovery on backend '{}' failed: {}", backend.name(), e.getMessage());
            }
        }
        routes = build();
    }

    private Map<String, ModelRoute> build() {
        Map<String, ModelRoute> map = new LinkedHashMap<>();
        for (ModelConfig model : configured) {
            map.put(model.name(), new ModelRoute(model.name(), model.deployments().get(0).backend(),
                    model.deployments().get(0).upstreamModel(), false, model.family()));
        }
        List<String> order = new ArrayList<>();
        backends.forEach(b -> order.add(b.name()));
        for (String backend : order) {
            for (String model : lastDiscovered.getOrDefault(backend, List.of())) {
                map.putIfAbsent(model, new ModelRoute(model, backend, model, true, null));
            }
        }
        return Map.copyOf(map);
    }
}
