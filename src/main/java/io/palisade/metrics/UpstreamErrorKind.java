package io.palisade.metrics;

import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;

/** Sorts a backend failure into the kinds the metrics and alerts use: connect, timeout, 5xx, protocol. */
public final class UpstreamErrorKind {
    private UpstreamErrorKind() {}

    /** The kind, or null when {@code error} is not a backend failure. */
    public static String of(PalisadeException error) {
        return switch (error.code()) {
            case UPSTREAM_UNREACHABLE -> "connect";
            case UPSTREAM_TIMEOUT -> "timeout";
            case UPSTREAM_UNAVAILABLE -> "5xx";
            case UPSTREAM_BAD_RESPONSE -> error.getMessage().contains("answered HTTP 5") ? "5xx" : "protocol";
            default -> error.code() == ErrorCode.INVALID_REQUEST && error.getMessage().startsWith("backend '") ? "4xx" : null;
        };
    }
}
