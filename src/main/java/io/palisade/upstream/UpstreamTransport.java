package io.palisade.upstream;

import java.io.IOException;
import java.io.InputStream;

/**
 * Sends one request to a backend and returns once the response head is in. Failures are reported
 * in one vocabulary whatever the transport, which {@link UpstreamHttp} maps to Palisade's errors:
 * {@link java.net.http.HttpConnectTimeoutException} or {@link java.net.ConnectException} when no
 * connection could be made, {@link java.net.http.HttpTimeoutException} when the head did not come
 * within the first-byte timeout (or a write or read failed after {@code deadline} passed),
 * {@link MalformedAnswerException} for an answer that is not
 * HTTP, and {@link InterruptedException} when the calling thread was interrupted.
 * Implementations are thread-safe.
 */
interface UpstreamTransport {
    /**
     * Sends {@code request} under {@code deadline}, whose watchdog is armed; the transport registers
     * with it whatever cuts the exchange short (closing its connection) and reports the head's arrival.
     */
    Response send(UpstreamRequest request, ExchangeDeadline deadline) throws IOException, InterruptedException;

    /** An answer whose head has arrived; the caller reads and closes {@link #body()}. */
    interface Response {
        int status();

        /** Exactly the body's bytes, then -1; closing it releases the connection. */
        InputStream body();

        /**
         * Ends the answer at once, from any thread (the total deadline): a read blocked on the
         * body fails, and so does every later read.
         */
        void abort();
    }
}
