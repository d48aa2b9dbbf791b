package io.palisade.routing;

/** Where a public model name is served: a backend and the model's name on that backend. */
public record ModelRoute(String publicName, String backend, String upstreamModel, boolean discovered) {}
