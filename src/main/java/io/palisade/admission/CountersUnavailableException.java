package io.palisade.admission;

/**
 * The shared counters could not answer (store unreachable, timed out, or refusing commands), so
 * nothing is known about the request's limits. The gateway answers 503 or, if configured to fail
 * open, admits without counting.
 */
public final class CountersUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CountersUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
