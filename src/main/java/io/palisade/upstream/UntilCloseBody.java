package io.palisade.upstream;

import java.io.IOException;

/**
 * A body with neither a length nor chunks: it ends when the backend closes the connection
 * (RFC 9112 §6.3), so that connection carries nothing after it. Not thread-safe.
 */
final class UntilCloseBody extends BodyFraming {
    private final ConnectionInput input;
    private boolean ended;

    UntilCloseBody(ConnectionInput input) {
        this.input = input;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (ended) {
            return -1;
        }
        int count = input.read(target, offset, length);
        ended = count < 0;
        return count;
    }

    @Override
    public int available() {
        return input.available();
    }

    @Override
    boolean complete() {
        return ended;
    }
}
