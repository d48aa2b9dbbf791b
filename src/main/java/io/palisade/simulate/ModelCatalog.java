package io.palisade.simulate;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models the simulator serves and the digest it reports for each. Lookup follows Ollama's
 * naming rule that an untagged name means {@code :latest}. Thread-safe: the model set is fixed,
 * digests may be overridden concurrently.
 */
final class ModelCatalog {
    private final Map<String, ModelDescriptor> models = new LinkedHashMap<>();
    private final Map<String, String> digestOverrides = new ConcurrentHashMap<>();
    private final Map<String, String> fileOverrides = new ConcurrentHashMap<>();

    ModelCatalog(List<String> names) {
        for (String name : names) {
            models.put(name, ModelDescriptor.describe(name));
        }
    }

    List<ModelDescriptor> all() {
        return List.copyOf(models.values());
    }

    Optional<ModelDescriptor> find(String requested) {
        if (requested == null) {
            return Optional.empty();
        }
        ModelDescriptor exact = models.get(requested);
        if (exact != null) {
            return Optional.of(exact);
        }
        return models.values().stream()
                .filter(model -> model.taggedName().equals(withDefaultTag(requested)))
                .findFirst();
    }

    /**
     * The configured name a requested name refers to, so that "qwen3" and "qwen3:latest" count as one
     * model; a name not served stays as it is.
     */
    String servedName(String requested) {
        return find(requested).map(ModelDescriptor::name).orElse(requested);
    }

    /** The same settings, keyed by {@link #servedName served names} so requests find them under either spelling. */
    <V> Map<String, V> byServedName(Map<String, V> settings) {
        var keyed = new HashMap<String, V>();
        settings.forEach((model, value) -> keyed.put(servedName(model), value));
        return Map.copyOf(keyed);
    }

    /** A 64-hex-digit digest, stable per model name unless overridden. */
    String digest(ModelDescriptor model) {
        return digestOverrides.getOrDefault(model.name(), StableHash.sha256Hex("palisade-simulate:" + model.name()));
    }

    void overrideDigest(String model, String digest) {
        if (digest == null || digest.isBlank()) {
            throw new IllegalArgumentException("digest must not be blank");
        }
        ModelDescriptor found = find(model)
                .orElseThrow(() -> new IllegalArgumentException("model " + model + " is not served by this simulator"));
        digestOverrides.put(found.name(), digest);
    }

    /**
     * The GGUF file a llama.cpp server would report having loaded for this model: a made-up path
     * unless overridden (tests point it at a real file to check GGUF pins).
     */
    String file(ModelDescriptor model) {
        return fileOverrides.getOrDefault(
                model.name(), "/models/" + model.name().replaceAll("[^A-Za-z0-9._-]", "-") + ".gguf");
    }

    void overrideFile(String model, String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path must not be blank");
        }
        ModelDescriptor found = find(model)
                .orElseThrow(() -> new IllegalArgumentException("model " + model + " is not served by this simulator"));
        fileOverrides.put(found.name(), path);
    }

    private static String withDefaultTag(String name) {
        return name.contains(":") ? name : name + ":latest";
    }
}
