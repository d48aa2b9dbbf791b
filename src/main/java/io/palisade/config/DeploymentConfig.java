package io.palisade.config;

/**
 * One place a public model is served: a backend and that backend's own name for the model.
 * {@code id} names the deployment in metrics, the audit and the CLI (default
 * "backend/upstream_model"); {@code weight} is its share of the model's traffic among healthy
 * deployments; {@code pin} (nullable) is what it must serve.
 */
public record DeploymentConfig(String id, String backend, String upstreamModel, int weight, Pin pin) {}
