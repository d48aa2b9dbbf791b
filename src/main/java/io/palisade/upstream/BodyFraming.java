package io.palisade.upstream;

import java.io.InputStream;

/**
 * How a response body is delimited on its connection: reads yield exactly the body's bytes and
 * then -1, leaving the connection positioned after the body. Not thread-safe.
 */
abstract class BodyFraming extends InputStream {
    /**
     * True once every byte of the body has been read, possibly before a read returned -1 (a
     * known length), so the connection can go back to the pool without another read.
     */
    abstract boolean complete();

    /** Body bytes readable without blocking: those already buffered. */
    @Override
    public abstract int available();

    /** Reads body bytes in bulk: every framing implements this, and {@link #read()} goes through it. */
    @Override
    public abstract int read(byte[] target, int offset, int length) throws java.io.IOException;

    // Readers of bodies (Jackson, BufferedReader) read in bulk; this is for completeness only.
    @Override
    public int read() throws java.io.IOException {
        byte[] one = new byte[1];
        int count = read(one, 0, 1);
        return count < 0 ? -1 : one[0] & 0xff;
    }
}
