package io.palisade.config;

/** Log level and format ("console" for people, "json" for log shippers). */
public record LoggingConfig(String level, String format) {}
