package io.palisade.routing;

import io.palisade.config.BackendConfig;
import io.palisade.config.DeploymentConfig;
import io.palisade.config.ModelConfig;
import io.palisade.upstream.Backend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public model names and where they are served: the models named in the config, plus the models
 * discovered on backends with {@code discover_models} (served under their own names; a configured
 * name wins a clash). Lookups read an immutable snapshot; {@link #refresh()} rediscovers and
 * {@link #reconfigure} swaps in a reloaded config; neither disturbs requests already routed, which
 * hold their own {@link Deployment}. A lookup miss triggers at most one refresh per
 * {@code MISS_REFRESH_INTERVAL}, so a model pulled into Ollama a moment ago is usable at once,
 * without letting callers hammer the backends. Thread-safe.
 */
public final class ModelCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);
    private static final Duration MISS_REFRESH_INTERVAL = Duration.ofSeconds(5);
    private static final String LATEST = ":latest";

    /** The part of the config the catalog is built from, with the backends that speak for it. */
    public record Sources(List<ModelConfig> models, List<BackendConfig> backendConfigs, Map<String, Backend> backends) {
        public Sources {
            models = List.copyOf(models);
            backendConfigs = List.copyOf(backendConfigs);
            backends = Map.copyOf(backends);
        }
    }

    private final Clock clock;
    private final Map<String, List<String>> lastDiscovered = new ConcurrentHashMap<>();
    private final Map<String, Boolean> reachable = new ConcurrentHashMap<>();
    private final Map<String, DeploymentHealth> health = new ConcurrentHashMap<>();
    private volatile Sources sources;
    private volatile Map<String, ModelRoute> routes;
    private volatile Instant lastRefresh = Instant.EPOCH;

    public ModelCatalog(Sources sources, Clock clock) {
        this.sources = sources;
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

    /** The backends as currently configured, by name. */
    public Map<String, Backend> backends() {
        return sources.backends();
    }

    /** Whether the last discovery reached {@code backend}; null when it was never asked. */
    public Boolean reachable(String backend) {
        return reachable.get(backend);
    }

    /**
     * Swaps in a reloaded config. Live health (breakers, drift, outcomes) of deployments that remain
     * is kept; that of deployments gone is forgotten.
     */
    public synchronized void reconfigure(Sources newSources) {
        this.sources = newSources;
        lastDiscovered.keySet().retainAll(newSources.backends().keySet());
        routes = build();
    }

    public synchronized void refresh() {
        lastRefresh = clock.instant();
        Sources current = sources;
        for (BackendConfig backend : current.backendConfigs()) {
            if (!backend.discoverModels()) {
                continue;
            }
            try {
                lastDiscovered.put(backend.name(), List.copyOf(current.backends().get(backend.name()).listModels()));
                reachable.put(backend.name(), true);
            } catch (Exception e) {
                reachable.put(backend.name(), false);
                LOG.warn("model discovery on backend '{}' failed: {}", backend.name(), e.getMessage());
            }
        }
        routes = build();
    }

    /** The routes of the current sources; health no route uses any more is dropped (requests still running keep theirs). */
    private Map<String, ModelRoute> build() {
        Sources current = sources;
        Set<String> used = new HashSet<>();
        Map<String, ModelRoute> map = new LinkedHashMap<>();
        for (ModelConfig model : current.models()) {
            long window = ModelRoute.outcomeWindowMillis(model.canary());
            List<Deployment> deployments = new ArrayList<>();
            for (DeploymentConfig deployment : model.deployments()) {
                deployments.add(deployment(model.name(), deployment, false, window, current, used));
            }
            Deployment canary = model.canary() == null ? null
                    : deployment(model.name(), model.canary().deployment(), true, window, current, used);
            map.put(model.name(), new ModelRoute(model.name(), deployments, canary, model.canary(), model.fallbacks(), false,
                    model.family()));
        }
        for (BackendConfig backend : current.backendConfigs()) {
            for (String model : lastDiscovered.getOrDefault(backend.name(), List.of())) {
                if (!map.containsKey(model)) {
                    DeploymentConfig config = new DeploymentConfig(backend.name() + "/" + model, backend.name(), model, 1, null);
                    map.put(model, new ModelRoute(model, List.of(deployment(model, config, false, ModelRoute.outcomeWindowMillis(null),
                            current, used)), null, null, List.of(), true, null));
                }
            }
        }
        health.keySet().retainAll(used);
        return Map.copyOf(map);
    }

    private Deployment deployment(String model, DeploymentConfig config, boolean canary, long windowMillis, Sources current,
            Set<String> used) {
        String key = model + "\u0000" + config.id();
        used.add(key);
        DeploymentHealth state = health.computeIfAbsent(key, k -> new DeploymentHealth(windowMillis));
        state.windowMillis(windowMillis);
        return new Deployment(config, current.backends().get(config.backend()), canary, state);
    }
}
