package io.palisade.config;

/** The listener and request-size limits. */
public record ServerConfig(String host, int port, long maxBodyBytes, boolean trustForwardedFor) {}
