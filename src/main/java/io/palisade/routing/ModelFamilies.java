package io.palisade.routing;

import io.palisade.upstream.Backend;

/** A model's family: from the config when named there, else from the backend's metadata, else unknown. Thread-safe. */
public final class ModelFamilies {
    private final ModelCatalog catalog;

    public ModelFamilies(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** A model's family ({@code name} null when unknown) and where it came from: "config", "backend" or "unknown". */
    public record Family(String name, String source) {}

    /** The model's family; null when the model does not exist. */
    public Family of(String model) {
        ModelRoute route = catalog.find(model);
        if (route == null) {
            return null;
        }
        if (route.configuredFamily() != null) {
            return new Family(route.configuredFamily(), "config");
        }
        String family = route.primary().backend().family(route.upstreamModel());
        return new Family(family, family == null ? "unknown" : "backend");
    }

    /** Unloads the model on its primary deployment (or the one named). */
    public Backend.Unload unload(String model, String deploymentId) {
        ModelRoute route = catalog.find(model);
        if (route == null) {
            return new Backend.Unload(false, false, "no such model");
        }
        Deployment deployment = deploymentId == null ? route.primary() : route.deployment(deploymentId);
        if (deployment == null) {
            return new Backend.Unload(false, false, "no such deployment");
        }
        return deployment.backend().unload(deployment.upstreamModel());
    }
}
