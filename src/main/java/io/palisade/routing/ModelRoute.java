package io.palisade.routing;

/** Where a public model name is served: a backend and the model's name on that backend. */
public record ModelRoute(String publicName, String backend, String upstreamModel, boolean discovered) {
    /** The name without Ollama's default ":latest" tag, which callers usually leave out; else the name. */
    public String shortName() {
        return publicName.endsWith(":latest") ? publicName.substring(0, publicName.length() - ":latest".length()) : publicName;
    }
}
