package io.palisade.config;

import java.util.List;

/**
 * The whole validated configuration. Built only by {@link ConfigLoader}, which checks every key,
 * so code that holds a {@code PalisadeConfig} can trust it.
 */
public record PalisadeConfig(
        ServerConfig server,
        String storeUrl,
        List<BackendConfig> backends,
        List<ModelConfig> models,
        AuditConfig audit,
        LimitsConfig limits,
        Secret adminKey,
        LoggingConfig logging,
        java.time.Duration discoveryInterval,
        ObservabilityConfig observability,
        RoutingConfig routing,
        SmokeEvalConfig smokeEval) {

    public PalisadeConfig {
        backends = List.copyOf(backends);
        models = List.copyOf(models);
    }

    /** The same config listening elsewhere (command-line overrides of host and port). */
    public PalisadeConfig withServer(ServerConfig newServer) {
        return new PalisadeConfig(
                newServer,
                storeUrl,
                backends,
                models,
                audit,
                limits,
                adminKey,
                logging,
                discoveryInterval,
                observability,
                routing,
                smokeEval);
    }

    public ModelConfig model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }

    public BackendConfig backend(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
    }
}
