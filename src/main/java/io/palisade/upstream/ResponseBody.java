package io.palisade.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The body of one answer over an {@link Http1Connection}, and the owner of that connection until
 * the answer is done with. The connection goes back to the pool the moment the last body byte is
 * read, if the answer allowed keep-alive; otherwise, and on any failure, it is closed. Closing
 * the body early first tries to read the rest, briefly and boundedly ({@value #DRAIN_BYTES} bytes,
 * {@value #DRAIN_MILLIS} ms): a reader that stops at a stream's last event usually leaves only the
 * terminating chunk, which is on its way; a caller abandoning a live stream leaves more, and the
 * connection is closed rather than pooled half-read.
 *
 * <p>Reads and {@link #close()} belong to the one thread that owns the exchange. {@link #abort()}
 * (the total deadline) may come from any thread: it closes the socket, so a blocked read fails at
 * once, and so does every later one ({@link UpstreamHttp.Exchange} reports either as a timeout).
 * The connection is handed on (pool or close) exactly once, by whichever of them takes it first.
 */
final class ResponseBody extends InputStream {
    static final int DRAIN_BYTES = 64 * 1024;
    static final int DRAIN_MILLIS = 100;

    private final BodyFraming framing;
    private final AtomicReference<Http1Connection> connection;
    private final ConnectionPool pool;
    private final boolean reusable;
    private boolean finished;

    /** {@code reusable}: the answer allows another exchange on the connection once this body is read. */
    ResponseBody(Http1Connection connection, BodyFraming framing, ConnectionPool pool, boolean reusable) {
        this.connection = new AtomicReference<>(connection);
        this.framing = framing;
        this.pool = pool;
        this.reusable = reusable;
        if (framing.complete()) {
            finish();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int count = read(one, 0, 1);
        return count < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (finished) {
            return -1;
        }
        if (connection.get() == null) {
            throw new IOException("the answer's body was closed");
        }
        int count;
        try {
            count = framing.read(target, offset, length);
        } catch (IOException e) {
            discard();
            throw e;
        }
        if (count < 0 || framing.complete()) {
            finish();
        }
        return count;
    }

    @Override
    public int available() {
        return finished || connection.get() == null ? 0 : framing.available();
    }

    @Override
    public void close() {
        if (finished) {
            return;
        }
        Http1Connection owned = connection.get();
        if (reusable && owned != null && drained(owned.input())) {
            finish();
        } else {
            discard();
        }
    }

    /** Ends the answer now, from any thread: the total deadline passed. */
    void abort() {
        Http1Connection owned = connection.getAndSet(null);
        if (owned != null) {
            owned.close();
        }
    }

    private boolean drained(ConnectionInput input) {
        input.deadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS));
        byte[] skipped = new byte[4096];
        long total = 0;
        try {
            while (!framing.complete() && total <= DRAIN_BYTES) {
                int count = framing.read(skipped, 0, skipped.length);
                if (count < 0) {
                    break;
                }
                total += count;
            }
            input.noDeadline();
            return framing.complete();
        } catch (IOException e) {
            return false;
        }
    }

    private void finish() {
        finished = true;
        Http1Connection owned = connection.getAndSet(null);
        if (owned == null) {
            return;
        }
        // Bytes past the end of the body would be read as the next answer's head: the backend broke framing.
        if (reusable && owned.input().available() == 0) {
            pool.put(owned);
        } else {
            owned.close();
        }
    }

    private void discard() {
        Http1Connection owned = connection.getAndSet(null);
        if (owned != null) {
            owned.close();
        }
    }
}
