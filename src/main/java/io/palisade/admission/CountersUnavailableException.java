package io.palisade.admission;

/** The shared counters (Redis) could not be reached; admission fails closed or open by config. */
public final class CountersUnavailableException extends RuntimeException {
    public CountersUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
