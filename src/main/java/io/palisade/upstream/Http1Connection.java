package io.palisade.upstream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;

/**
 * One keep-alive TCP connection to a backend, carrying one exchange at a time. Blocking I/O on the
 * caller's thread: on a virtual thread a blocked read parks the thread rather than a carrier, and
 * an interrupt closes the socket. {@link #close()} may be called from any thread (the total
 * deadline's watchdog does) and makes a blocked read or write fail at once; everything else is
 * for the thread that owns the exchange.
 */
final class Http1Connection implements AutoCloseable {
    private static final int INPUT_BUFFER = 16 * 1024;
    private static final int OUTPUT_BUFFER = 16 * 1024;

    private final Socket socket;
    private final ConnectionInput input;
    private final OutputStream output;
    private long idleSinceNanos; // guarded by the pool's lock while the connection is idle

    private Http1Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.input = new ConnectionInput(socket, INPUT_BUFFER);
        this.output = new BufferedOutputStream(socket.getOutputStream(), OUTPUT_BUFFER);
    }

    /**
     * Connects with TCP_NODELAY: a request leaves in one write when head and body fit the 16 KiB
     * buffer, else in two (head, then body), and Nagle would hold the second back for an ACK.
     *
     * @throws HttpConnectTimeoutException when the connect timeout passes ({@code connectMillis} 0 waits without limit)
     * @throws ConnectException for every other failure to connect: refused, no route, unknown host
     */
    static Http1Connection open(String host, int port, int connectMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                throw new UnknownHostException("unknown host");
            }
            socket.connect(address, connectMillis);
            return new Http1Connection(socket);
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new HttpConnectTimeoutException("connect timed out");
        } catch (ConnectException e) {
            socket.close();
            throw e;
        } catch (IOException e) {
            socket.close();
            ConnectException failure = new ConnectException("cannot connect");
            failure.initCause(e);
            throw failure;
        }
    }

    /** Writes the request head and body with one flush: one write if both fit the buffer, else two. */
    void send(byte[] head, byte[] body) throws IOException {
        output.write(head);
        if (body != null) {
            output.write(body);
        }
        output.flush();
    }

    ConnectionInput input() {
        return input;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    void idleSince(long nanoTime) {
        idleSinceNanos = nanoTime;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the connection is being given up; there is nothing left to release
        }
    }
}
