package io.palisade.upstream;

import java.io.IOException;

/**
 * The backend closed the connection before its answer was complete: before the status line, or
 * inside a body whose length the framing promised. Named so that {@code UpstreamHttp}'s wording
 * of transport errors reads "(connection closed)".
 */
final class ConnectionClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    ConnectionClosedException(String message) {
        super(message);
    }
}
