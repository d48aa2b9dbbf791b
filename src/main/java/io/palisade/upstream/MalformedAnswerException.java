package io.palisade.upstream;

import java.io.IOException;

/**
 * The backend's answer broke HTTP/1.1 (a bad status line or header, headers past the size bound,
 * bad chunk framing). The message is a fixed description written here, never text the backend
 * sent, so it can be shown to callers.
 */
final class MalformedAnswerException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedAnswerException(String description) {
        super(description);
    }
}
