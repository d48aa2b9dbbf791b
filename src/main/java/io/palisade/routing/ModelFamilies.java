package io.palisade.routing;

import io.palisade.upstream.Backend;
import java.util.Map;

/** A model's family: from the config when named there, else from the backend's metadata, else unknown. Thread-safe. */
public final class ModelFamilies {
    private final ModelCatalog catalog;
    private final Map<String, Backend> backends;

    public ModelFamilies(ModelCatalog catalog, Map<String, Backend> backends) {
        this.catalog = catalog;
        this.backends = Map.copyOf(backends);
    }

    /** {family or null, source: "config" | "backend" | "unknown"}; null when the model does not exist. */
    public String[] of(String model) {
        ModelRoute route = catalog.find(model);
        if (route == null) {
            return null;
        }
        if (route.configuredFamily() != null) {
            return new String[] {route.configuredFamily(), "config"};
        }
        String family = backends.get(route.backend()).family(route.upstreamModel());
        return new String[] {family, family == null ? "unknown" : "backend"};
    }

    /** Unloads the model on its backend: {supported, confirmed}. */
    public Backend.Unload unload(String model) {
        ModelRoute route = catalog.find(model);
        if (route == null) {
            return new Backend.Unload(false, false, "no such model");
        }
        return backends.get(route.backend()).unload(route.upstreamModel());
    }
}
