package io.palisade.routing;

import io.palisade.config.DeploymentConfig;
import io.palisade.upstream.Backend;

/**
 * A deployment as the router sees it: where it is ({@code config}), who speaks to it
 * ({@code backend}), whether it is the model's canary candidate, and its live health.
 */
public record Deployment(DeploymentConfig config, Backend backend, boolean canary, DeploymentHealth health) {
    public String id() {
        return config.id();
    }

    public String backendName() {
        return config.backend();
    }

    public String upstreamModel() {
        return config.upstreamModel();
    }

    public int weight() {
        return config.weight();
    }
}
