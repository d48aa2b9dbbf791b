package io.palisade.config;

import java.net.URI;

/** One model server Palisade forwards to. */
public record BackendConfig(
        String name, BackendKind kind, URI url, Secret apiKey, boolean discoverModels, Timeouts timeouts) {}
