package io.palisade.upstream;

import java.io.IOException;

/** A body of the length its {@code Content-Length} declared (zero for 204 and 304). Not thread-safe. */
final class FixedLengthBody extends BodyFraming {
    private final ConnectionInput input;
    private long remaining;

    FixedLengthBody(ConnectionInput input, long length) {
        this.input = input;
        this.remaining = length;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        int count = input.read(target, offset, (int) Math.min(length, remaining));
        if (count < 0) {
            throw new ConnectionClosedException(
                    "the backend closed the connection " + remaining + " bytes before the declared end");
        }
        remaining -= count;
        return count;
    }

    @Override
    public int available() {
        return (int) Math.min(remaining, input.available());
    }

    @Override
    boolean complete() {
        return remaining == 0;
    }
}
