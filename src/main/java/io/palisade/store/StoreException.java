package io.palisade.store;

/** The store failed (I/O, corruption, constraint). Callers map it to a 5xx or a CLI error. */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
