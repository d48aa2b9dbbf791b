package io.palisade.config;

/**
 * A public model name and where it is served: a backend and that backend's own model name.
 * {@code family} (nullable) names the model family ("llama", "qwen3") when the backend cannot say.
 */
public record ModelConfig(String name, String backend, String upstreamModel, String family) {}
