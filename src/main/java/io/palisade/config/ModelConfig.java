package io.palisade.config;

import java.util.List;

/**
 * A public model name and where it is served: one or more weighted deployments, optionally a
 * canary candidate, and the public models to fall back to (in order) when every deployment fails.
 * {@code family} (nullable) names the model family ("llama", "qwen3") when the backend cannot say.
 */
public record ModelConfig(
        String name, String family, List<DeploymentConfig> deployments, CanaryConfig canary, List<String> fallbacks) {
    public ModelConfig {
        deployments = List.copyOf(deployments);
        fallbacks = List.copyOf(fallbacks);
    }
}
