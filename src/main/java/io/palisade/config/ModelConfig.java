package io.palisade.config;

/** A public model name and where it is served: a backend and that backend's own model name. */
public record ModelConfig(String name, String backend, String upstreamModel) {}
