package io.palisade.config;

/** Admission defaults; a key's own settings win. {@code defaultRequestsPerMinute} 0 = unlimited. */
public record LimitsConfig(int defaultRequestsPerMinute) {}
