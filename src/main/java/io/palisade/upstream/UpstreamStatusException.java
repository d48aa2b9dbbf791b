package io.palisade.upstream;

import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import java.util.Map;

/**
 * A backend answered with an error status. Rendered like any {@link PalisadeException}; the
 * backend's {@link #status()} is kept for decisions that depend on it (a 404 from a server that
 * does not describe itself is no failure), so that they need not read the message.
 * Immutable.
 */
public final class UpstreamStatusException extends PalisadeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    UpstreamStatusException(int status, ErrorCode code, String message) {
        this(status, code, message, Map.of());
    }

    UpstreamStatusException(int status, ErrorCode code, String message, Map<String, String> headers) {
        super(code, message, null, headers);
        this.status = status;
    }

    /** The HTTP status the backend answered with. */
    public int status() {
        return status;
    }
}
