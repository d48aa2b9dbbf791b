package io.palisade.upstream;

import io.palisade.config.Timeouts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;

/**
 * Plain HTTP/1.1 to one {@code http://} backend over pooled keep-alive connections, entirely on
 * the calling thread: write the request, block for the head, hand the body over as a stream.
 * No selector thread, worker pool or future stands between the caller and the socket.
 *
 * <p>Time limits: connect as the socket's connect timeout; first byte and total by the exchange's
 * {@link ExchangeDeadline}, whose watchdog closes the socket when a limit passes. That covers a
 * write that blocks on a backend which stopped reading as well as a head that never comes.
 *
 * <p>Retry: a pooled connection that fails on write, or ends or is reset before the first byte
 * of the answer, is taken to be one the backend closed while it sat idle (the race every
 * keep-alive client has), and the request goes once more over a new connection. Never after any
 * byte of an answer, never on a timeout, and never for a new connection: those are the backend's
 * answer, and the gateway's failover decides what to do about them. Thread-safe.
 */
final class Http1Transport implements UpstreamTransport {
    private final String host;
    private final int port;
    private final String hostHeader;
    private final String basePath;
    private final int connectMillis;
    private final ConnectionPool pool;

    Http1Transport(URI backendUrl, Timeouts timeouts, ConnectionPool pool) {
        this.host = backendUrl.getHost();
        this.port = backendUrl.getPort() < 0 ? 80 : backendUrl.getPort();
        this.hostHeader = port == 80 ? host : host + ":" + port;
        this.basePath = backendUrl.getRawPath() == null ? "" : backendUrl.getRawPath();
        this.connectMillis =
                (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis());
        this.pool = pool;
    }

    @Override
    public Response send(UpstreamRequest request, ExchangeDeadline deadline) throws IOException, InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        byte[] head = request.http1Head(hostHeader, basePath);
        Http1Connection pooled = pool.take();
        if (pooled != null) {
            try {
                return exchange(pooled, true, head, request.body(), deadline);
            } catch (StaleConnectionException e) {
                // falls through to one attempt on a new connection
            }
        }
        return exchange(connect(), false, head, request.body(), deadline);
    }

    private Http1Connection connect() throws IOException, InterruptedException {
        try {
            return Http1Connection.open(host, port, connectMillis);
        } catch (IOException e) {
            // On a virtual thread an interrupt closes the socket, which shows up as a failure to connect.
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            throw e;
        }
    }

    private Response exchange(
            Http1Connection connection, boolean reused, byte[] head, byte[] body, ExchangeDeadline deadline)
            throws IOException, InterruptedException {
        ConnectionInput input = connection.input();
        long receivedBefore = input.received();
        deadline.cutWith(connection::close);
        try {
            connection.send(head, body);
            ResponseHead answer = ResponseHead.read(input);
            deadline.answered();
            return new Http1Response(answer.status(), body(connection, answer));
        } catch (IOException e) {
            connection.close();
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (deadline.passed() != null) {
                throw new HttpTimeoutException("no answer within the first-byte timeout");
            }
            if (reused && input.received() == receivedBefore && !(e instanceof MalformedAnswerException)) {
                throw new StaleConnectionException();
            }
            throw e;
        }
    }

    /** How the answer's body is delimited (RFC 9112 §6.3). Only GET and POST are sent, so no answer is to a HEAD. */
    private ResponseBody body(Http1Connection connection, ResponseHead answer) throws MalformedAnswerException {
        ConnectionInput input = connection.input();
        boolean keepAlive = answer.keepAlive();
        BodyFraming framing;
        if (answer.status() == 204 || answer.status() == 304) {
            framing = new FixedLengthBody(input, 0);
        } else if (answer.header("transfer-encoding") != null) {
            // With both headers the length is not to be trusted (RFC 9112 §6.3), nor the connection after it.
            keepAlive &= answer.chunked() && answer.header("content-length") == null;
            framing = answer.chunked() ? new ChunkedBody(input) : new UntilCloseBody(input);
        } else if (answer.contentLength() >= 0) {
            framing = new FixedLengthBody(input, answer.contentLength());
        } else {
            keepAlive = false;
            framing = new UntilCloseBody(input);
        }
        return new ResponseBody(connection, framing, pool, keepAlive);
    }

    private record Http1Response(int status, ResponseBody body) implements Response {
        @Override
        public void abort() {
            body.abort();
        }
    }

    /** Nothing came back over a reused connection: the request may go again on a new one. */
    private static final class StaleConnectionException extends IOException {
        private static final long serialVersionUID = 1L;

        StaleConnectionException() {
            super("the pooled connection was closed by the backend", null);
        }
    }
}
