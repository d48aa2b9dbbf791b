package io.palisade.routing;

import io.palisade.config.BackendConfig;
import io.palisade.config.DeploymentConfig;
import io.palisade.config.ModelConfig;
import io.palisade.upstream.Backend;
import io.palisade.upstream.BackgroundChecks;
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
 * name wins a clash). Lookups read an immutable snapshot and never wait: an unknown name is
 * answered from memory at once. {@link #refresh()} asks every discovering backend for its models
 * in the background, each backend on its own through {@link BackgroundChecks} with the backend's
 * short limit for checks; each answer is swapped in when it comes, so one backend that never
 * answers delays no other backend's models. No network I/O is done under the catalog's lock: the
 * list is fetched outside, the new snapshot built and swapped in under it. {@link #reconfigure}
 * swaps in a reloaded config; neither disturbs requests already routed, which hold their own
 * {@link Deployment}. A lookup miss asks for a background refresh at most once per
 * {@code MISS_REFRESH_INTERVAL}, so a model pulled into Ollama a moment ago becomes usable
 * shortly after, without letting callers hammer the backends. Thread-safe.
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
    private final BackgroundChecks checks;
    private final Map<String, List<String>> lastDiscovered = new ConcurrentHashMap<>();
    private final Map<String, Boolean> reachable = new ConcurrentHashMap<>();
    private final Map<String, DeploymentHealth> health = new ConcurrentHashMap<>();
    private volatile Sources sources;
    private volatile Map<String, ModelRoute> routes;
    private volatile Instant lastRefresh = Instant.EPOCH;

    /** A catalog whose discovery runs on a {@link BackgroundChecks} of its own. */
    public ModelCatalog(Sources sources, Clock clock) {
        this(sources, clock, new BackgroundChecks());
    }

    /** {@code checks} runs discovery, one backend at a time per backend. */
    public ModelCatalog(Sources sources, Clock clock, BackgroundChecks checks) {
        this.sources = sources;
        this.clock = clock;
        this.checks = checks;
        synchronized (this) {
            this.routes = build();
        }
    }

    /**
     * The route for {@code name}, from memory, at once; like Ollama, an untagged name means its
     * ":latest" tag. A miss asks for a background refresh (at most one per interval) and is not
     * held for it: the caller's answer does not depend on any backend.
     */
    public ModelRoute find(String name) {
        ModelRoute route = lookup(name);
        if (route == null && clock.instant().isAfter(lastRefresh.plus(MISS_REFRESH_INTERVAL))) {
            refresh();
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

    /** Whether the last discovery reached {@code backend}; null when it was never asked (or has not answered yet). */
    public Boolean reachable(String backend) {
        return reachable.get(backend);
    }

    /**
     * Whether every backend with {@code discover_models} has concluded a discovery (answered, failed
     * or timed out) since it was configured: until then some of its models may be missing
     * (readiness waits for this; the wait is bounded by each backend's limit for checks).
     */
    public boolean discoveredOnce() {
        Sources current = sources;
        for (BackendConfig backend : current.backendConfigs()) {
            if (backend.discoverModels() && !reachable.containsKey(backend.name())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Swaps in a reloaded config. Live health (breakers, drift, outcomes) of deployments that remain
     * is kept; that of deployments gone is forgotten. Models discovered on a backend that remains
     * stay listed until its next discovery answers. No I/O: discovery is {@link #refresh()}'s.
     */
    public synchronized void reconfigure(Sources newSources) {
        this.sources = newSources;
        lastDiscovered.keySet().retainAll(newSources.backends().keySet());
        reachable.keySet().retainAll(newSources.backends().keySet());
        routes = build();
    }

    /**
     * Asks every backend with {@code discover_models} for its models, in the background, each on
     * its own; returns at once. A backend still answering the previous request is asked again when
     * that one ends.
     */
    public void refresh() {
        lastRefresh = clock.instant();
        for (BackendConfig backend : sources.backendConfigs()) {
            if (backend.discoverModels()) {
                checks.request("discovery:" + backend.name(), () -> discover(backend.name()));
            }
        }
    }

    /**
     * Asks one backend for its models on the calling thread, outside the lock, then swaps the
     * answer in under it. An answer from a client a reload replaced meanwhile is dropped: the new
     * client's own discovery follows ({@link #refresh()} after every reload).
     */
    void discover(String name) {
        Sources asked = sources;
        Backend backend = asked.backends().get(name);
        BackendConfig config = asked.backendConfigs().stream()
                .filter(b -> b.name().equals(name))
                .findFirst()
                .orElse(null);
        if (backend == null || config == null || !config.discoverModels()) {
            return;
        }
        List<String> models = null;
        try {
            models = List.copyOf(backend.listModels());
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // the gateway is stopping
            }
            LOG.warn("model discovery on backend '{}' failed: {}", name, e.getMessage());
        }
        synchronized (this) {
            if (sources.backends().get(name) != backend) {
                return;
            }
            if (models != null) {
                lastDiscovered.put(name, models);
            }
            reachable.put(name, models != null);
            routes = build();
        }
    }

    /**
     * The routes of the current sources; health no route uses any more is dropped (requests still
     * running keep theirs). Called under the lock.
     */
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
            Deployment canary = model.canary() == null
                    ? null
                    : deployment(model.name(), model.canary().deployment(), true, window, current, used);
            map.put(
                    model.name(),
                    new ModelRoute(
                            model.name(),
                            deployments,
                            canary,
                            model.canary(),
                            model.fallbacks(),
                            false,
                            model.family()));
        }
        for (BackendConfig backend : current.backendConfigs()) {
            for (String model : lastDiscovered.getOrDefault(backend.name(), List.of())) {
                if (!map.containsKey(model)) {
                    DeploymentConfig config =
                            new DeploymentConfig(backend.name() + "/" + model, backend.name(), model, 1, null);
                    map.put(
                            model,
                            new ModelRoute(
                                    model,
                                    List.of(deployment(
                                            model, config, false, ModelRoute.outcomeWindowMillis(null), current, used)),
                                    null,
                                    null,
                                    List.of(),
                                    true,
                                    null));
                }
            }
        }
        health.keySet().retainAll(used);
        return Map.copyOf(map);
    }

    private Deployment deployment(
            String model,
            DeploymentConfig config,
            boolean canary,
            long windowMillis,
            Sources current,
            Set<String> used) {
        String key = model + "\u0000" + config.id();
        used.add(key);
        DeploymentHealth state = health.computeIfAbsent(key, k -> {
            DeploymentHealth created = new DeploymentHealth(windowMillis);
            if (config.pin() != null) {
                // Held out until its pin is first checked: the check runs in the background now, and
                // weights nobody has verified must not take traffic meanwhile (routing.pins.on_drift: stop).
                created.awaitPinCheck();
            }
            return created;
        });
        state.windowMillis(windowMillis);
        return new Deployment(config, current.backends().get(config.backend()), canary, state);
    }
}
