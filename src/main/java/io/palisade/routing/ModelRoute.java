package io.palisade.routing;

/**
 * Where a public model name is served: a backend and the model's name on that backend.
 * {@code configuredFamily} is the family named in the config, null when not configured.
 */
public record ModelRoute(String publicName, String backend, String upstreamModel, boolean discovered, String configuredFamily) {
    /** The name without Ollama's default ":latest" tag, which callers usually leave out; else the name. */
    public String shortName() {
        return publicName.endsWith(":latest") ? publicName.substring(0, publicName.length() - ":latest".length()) : publicName;
    }
}
