package io.palisade.routing;

import io.palisade.config.CanaryConfig;
import java.util.List;

/**
 * Where a public model name is served: its deployments (at least one), an optional canary
 * candidate with its rules, and the public models to fall back to. {@code configuredFamily} is the
 * family named in the config, null when not configured. Immutable; a reload builds new routes.
 */
public record ModelRoute(
        String publicName,
        List<Deployment> deployments,
        Deployment canary,
        CanaryConfig canaryConfig,
        List<String> fallbacks,
        boolean discovered,
        String configuredFamily) {
    public ModelRoute {
        deployments = List.copyOf(deployments);
        fallbacks = List.copyOf(fallbacks);
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("a route needs a deployment");
        }
    }

    /** The deployment that represents the model where one must be named (listings, families, unloading). */
    public Deployment primary() {
        return deployments.stream().filter(d -> d.weight() > 0).findFirst().orElse(deployments.get(0));
    }

    public String backend() {
        return primary().backendName();
    }

    public String upstreamModel() {
        return primary().upstreamModel();
    }

    /** The deployment with this id, the canary included; null when there is none. */
    public Deployment deployment(String id) {
        if (canary != null && canary.id().equals(id)) {
            return canary;
        }
        return deployments.stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
    }

    /** Every deployment, the canary last. */
    public List<Deployment> allDeployments() {
        if (canary == null) {
            return deployments;
        }
        java.util.ArrayList<Deployment> all = new java.util.ArrayList<>(deployments);
        all.add(canary);
        return List.copyOf(all);
    }

    /** The percentage of traffic the canary is meant to take in {@code phase}: configured, 100 promoted, 0 rolled back or none. */
    public double canaryShare(CanaryPhase phase) {
        if (canary == null) {
            return 0;
        }
        return switch (phase) {
            case ACTIVE -> canaryConfig.percent();
            case PROMOTED -> 100;
            case ROLLED_BACK -> 0;
        };
    }

    /**
     * The window a model's deployments keep their recent outcomes over: its canary rule's (so the
     * candidate and its baseline are compared over the same slots), else the default rule's.
     */
    public static long outcomeWindowMillis(CanaryConfig canary) {
        return (canary == null ? CanaryConfig.Rollback.DEFAULTS : canary.rollback())
                .window()
                .toMillis();
    }

    /** The name without Ollama's default ":latest" tag, which callers usually leave out; else the name. */
    public String shortName() {
        return publicName.endsWith(":latest")
                ? publicName.substring(0, publicName.length() - ":latest".length())
                : publicName;
    }
}
