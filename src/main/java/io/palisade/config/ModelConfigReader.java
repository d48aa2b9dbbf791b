package io.palisade.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code models:}. A model is written either short ({@code backend}, {@code upstream_model},
 * {@code pin}: one deployment) or long ({@code deployments:} with weights), with an optional
 * {@code canary:} and {@code fallbacks:}. Pins from the lock file fill in deployments that have
 * none of their own; a pin written in the config always wins.
 */
final class ModelConfigReader {
    private static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}";

    private final List<BackendConfig> backends;
    private final Map<String, Pin> lockedPins;

    ModelConfigReader(List<BackendConfig> backends, Map<String, Pin> lockedPins) {
        this.backends = backends;
        this.lockedPins = lockedPins;
    }

    List<ModelConfig> read(ConfigSection top) {
        List<ModelConfig> models = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigSection section : top.list("models")) {
            try {
                section.rejectUnknownKeys(Set.of(
                        "name", "backend", "upstream_model", "family", "pin", "deployments", "canary", "fallbacks"));
                String name = section.requiredString("name");
                if (!names.add(name)) {
                    throw section.invalid("name", "model name '" + name + "' is used twice");
                }
                List<DeploymentConfig> deployments = deployments(section, name);
                CanaryConfig canary = canary(section, name);
                if (canary != null
                        && deployments.stream()
                                .anyMatch(d -> d.id().equals(canary.deployment().id()))) {
                    throw section.invalid(
                            "canary",
                            "the candidate '" + canary.deployment().id()
                                    + "' is already one of the model's deployments; give it its own backend, upstream_model or id");
                }
                List<String> fallbacks = section.strings("fallbacks");
                if (fallbacks.contains(name)) {
                    throw section.invalid("fallbacks", "a model cannot fall back to itself");
                }
                models.add(new ModelConfig(name, section.string("family", null), deployments, canary, fallbacks));
            } catch (ConfigException e) {
                top.keep(e); // this model cannot be read further; go on so every model's problems are listed at once
            }
        }
        return models;
    }

    private List<DeploymentConfig> deployments(ConfigSection model, String name) {
        if (!model.has("deployments")) {
            if (!model.has("backend")) {
                throw model.invalid("backend", "is required (or list the model's deployments:)");
            }
            return List.of(deployment(model, name));
        }
        for (String key : List.of("backend", "upstream_model", "pin")) {
            if (model.has(key)) {
                throw model.invalid(key, "belongs inside each of deployments: when deployments are listed");
            }
        }
        List<ConfigSection> sections = model.list("deployments");
        if (sections.isEmpty()) {
            throw model.invalid("deployments", "list at least one deployment");
        }
        List<DeploymentConfig> deployments = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigSection section : sections) {
            section.rejectUnknownKeys(Set.of("id", "backend", "upstream_model", "weight", "pin"));
            DeploymentConfig deployment = deployment(section, name);
            if (!ids.add(deployment.id())) {
                throw section.invalid(
                        "id",
                        "deployment '" + deployment.id() + "' appears twice in this model; give one an id of its own");
            }
            deployments.add(deployment);
        }
        if (deployments.stream().allMatch(d -> d.weight() == 0)) {
            throw model.invalid("deployments", "at least one deployment needs a weight above 0");
        }
        return deployments;
    }

    private CanaryConfig canary(ConfigSection model, String name) {
        if (!model.has("canary")) {
            return null;
        }
        ConfigSection section = model.section("canary");
        section.rejectUnknownKeys(Set.of("id", "backend", "upstream_model", "pin", "percent", "sticky", "rollback"));
        DeploymentConfig deployment = deployment(section, name);
        double percent = section.decimal("percent", CanaryConfig.DEFAULT_PERCENT);
        if (percent > 100) {
            throw section.invalid("percent", "must be between 0 and 100, got " + percent);
        }
        ConfigSection rollback = section.section("rollback");
        rollback.rejectUnknownKeys(
                Set.of("window", "min_requests", "error_rate_increase", "latency_ratio", "on_eval_regression"));
        CanaryConfig.Rollback defaults = CanaryConfig.Rollback.DEFAULTS;
        java.time.Duration window = rollback.duration("window", defaults.window());
        if (window.toSeconds() < 1) {
            throw rollback.invalid("window", "must be at least 1s");
        }
        double increase = rollback.decimal("error_rate_increase", defaults.errorRateIncrease());
        if (increase > 1) {
            throw rollback.invalid("error_rate_increase", "is a fraction between 0 and 1, got " + increase);
        }
        return new CanaryConfig(
                deployment,
                percent,
                section.bool("sticky", CanaryConfig.DEFAULT_STICKY),
                new CanaryConfig.Rollback(
                        window,
                        rollback.integer("min_requests", defaults.minRequests(), 1, 1_000_000),
                        increase,
                        rollback.decimal("latency_ratio", defaults.latencyRatio()),
                        rollback.bool("on_eval_regression", defaults.onEvalRegression())));
    }

    /** A deployment's upstream model defaults to the public model name. */
    private DeploymentConfig deployment(ConfigSection section, String model) {
        String backend = section.requiredString("backend");
        BackendConfig backendConfig = backends.stream()
                .filter(b -> b.name().equals(backend))
                .findFirst()
                .orElse(null);
        if (backendConfig == null) {
            throw section.invalid(
                    "backend",
                    "no backend named '" + backend + "' (backends: "
                            + String.join(
                                    ", ",
                                    backends.stream().map(BackendConfig::name).toList()) + ")");
        }
        String upstream = section.string("upstream_model", model);
        String id = section.string("id", backend + "/" + upstream);
        if (!id.matches(ID_PATTERN)) {
            throw section.invalid("id", "use letters, digits and . _ : / @ + - (at most 128), got '" + id + "'");
        }
        int weight = section.integer("weight", 1, 0, 1_000_000);
        Pin pin = pin(section, backendConfig);
        if (pin == null) {
            pin = lockedPins.get(LockFile.key(model, id));
        }
        return new DeploymentConfig(id, backend, upstream, weight, pin);
    }

    private static Pin pin(ConfigSection section, BackendConfig backend) {
        if (!section.has("pin")) {
            return null;
        }
        if (!section.isMapping("pin")) {
            Pin.Kind kind = backend.kind() == BackendKind.OLLAMA ? Pin.Kind.OLLAMA_DIGEST : Pin.Kind.REVISION;
            return new Pin(kind, section.requiredString("pin"), null);
        }
        ConfigSection pin = section.section("pin");
        pin.rejectUnknownKeys(Set.of("digest", "revision", "gguf_sha256", "file"));
        int given = (pin.has("digest") ? 1 : 0) + (pin.has("revision") ? 1 : 0) + (pin.has("gguf_sha256") ? 1 : 0);
        if (given != 1) {
            throw section.invalid(
                    "pin",
                    "give exactly one of digest (Ollama), revision (vLLM/TGI) "
                            + "or gguf_sha256 with file (llama.cpp)");
        }
        if (pin.has("digest")) {
            if (backend.kind() != BackendKind.OLLAMA) {
                throw pin.invalid("digest", "only Ollama backends report a digest; use revision or gguf_sha256");
            }
            return new Pin(Pin.Kind.OLLAMA_DIGEST, pin.requiredString("digest"), null);
        }
        if (pin.has("revision")) {
            return new Pin(Pin.Kind.REVISION, pin.requiredString("revision"), null);
        }
        String sha = pin.requiredString("gguf_sha256");
        if (!Pin.normalise(sha).matches("[0-9a-f]{64}")) {
            throw pin.invalid("gguf_sha256", "expected 64 hex digits, got '" + sha + "'");
        }
        return new Pin(Pin.Kind.GGUF_SHA256, sha, Path.of(pin.requiredString("file")));
    }
}
