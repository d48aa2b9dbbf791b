package io.palisade.metrics;

import io.palisade.error.PalisadeException;
import io.palisade.upstream.UpstreamStatusException;

/**
 * Sorts a backend failure into the kinds the metrics and alerts use: connect, timeout, 5xx (an
 * error status, 429 included: the backend is overloaded), 4xx (the backend refused what Palisade
 * passed on), protocol (an answer Palisade could not read, or an unexpected status such as 404).
 * A failure with a status is sorted by the status itself, never by its message.
 */
public final class UpstreamErrorKind {
    private UpstreamErrorKind() {}

    /** The kind, or null when {@code error} is not a backend failure. */
    public static String of(PalisadeException error) {
        if (error instanceof UpstreamStatusException answered) {
            int status = answered.status();
            return switch (status) {
                case 400, 413, 422 -> "4xx";
                case 429 -> "5xx";
                case 504 -> "timeout";
                default -> status >= 500 ? "5xx" : "protocol";
            };
        }
        return switch (error.code()) {
            case UPSTREAM_UNREACHABLE -> "connect";
            case UPSTREAM_TIMEOUT -> "timeout";
            case UPSTREAM_UNAVAILABLE -> "5xx";
            case UPSTREAM_BAD_RESPONSE -> "protocol";
            default -> null;
        };
    }
}
