package io.palisade.server;

import java.util.concurrent.TimeoutException;

/** Why {@link ConnectionGuard} closed a connection: a request's headers or body came too slowly. */
final class RequestReadTimeoutException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    RequestReadTimeoutException(String message) {
        super(message);
    }
}
