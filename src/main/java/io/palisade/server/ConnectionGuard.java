package io.palisade.server;

import io.palisade.config.ServerConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what a connection may hold (the defence against slow-loris clients, which otherwise held
 * thousands of connections open until the process ran out of file descriptors):
 * <ul>
 * <li>a request's headers must arrive within {@code server.header_timeout}, counted from the
 * connection's opening or from the end of its previous answer (so a kept-alive connection waiting
 * for its next request is closed after that time too);</li>
 * <li>a request's body must arrive within {@code server.body_read_timeout}, counted from the
 * handler's first read;</li>
 * <li>a connection whose pending read or write makes no progress for {@code server.idle_timeout}
 * is closed (Jetty's idle timeout; a client that stops reading its answer). An answer being written
 * is not idle, Jetty does not apply it to a request waiting silently for its backend, and between
 * the body's end and the answer's end no read deadline runs: a stream may last as long as its
 * backend allows;</li>
 * <li>at most {@code server.max_connections} connections are open: beyond that the listener stops
 * accepting (new connections wait in the kernel's backlog) until one closes.</li>
 * </ul>
 * Over TLS the guarded connection is the HTTP one on the decrypted side (the header deadline also
 * covers the handshake; closing it closes the TLS connection). An HTTP/2 connection carries several
 * requests at once: its header deadline runs only while none is active, and each request's body
 * has its own deadline (one that passes closes the connection, with its other streams).
 * Deadlines are enforced by one sweep on a scheduler of its own, which closes the connections that
 * passed theirs; a request's thread never waits with a timeout, it only sees its read fail.
 * Thread-safe.
 */
final class ConnectionGuard extends Handler.Wrapper implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final long headerNanos;
    private final long bodyNanos;
    private final Duration idleTimeout;
    private final long sweepMillis;
    /** One entry per open connection: bounded by the connection limit. */
    private final Map<Connection, ReadDeadline> open = new ConcurrentHashMap<>();

    private final Scheduler scheduler;

    private ConnectionGuard(ServerConfig config, String name) {
        this.headerNanos = config.headerTimeout().toNanos();
        this.bodyNanos = config.bodyReadTimeout().toNanos();
        this.idleTimeout = config.idleTimeout();
        // A deadline is enforced within a tenth of the shorter timeout (at most a second) after it passes.
        long shorter = Math.min(
                config.headerTimeout().toMillis(), config.bodyReadTimeout().toMillis());
        this.sweepMillis = Math.clamp(shorter / 10, 10, 1000);
        this.scheduler = new ScheduledExecutorScheduler(name + "-read-deadlines", true);
        addBean(scheduler);
    }

    /**
     * Installs the guard on {@code server} (called from Javalin's {@code modifyServer}, before its
     * handler and connectors exist: they are attached inside the guard and found at start).
     * {@code maxConnections} is the limit to enforce, already resolved (see {@link ConnectionBudget}).
     */
    static void install(Server server, ServerConfig config, int maxConnections, String name) {
        ConnectionGuard guard = new ConnectionGuard(config, name);
        // Inside any wrapper already installed (Javalin attaches its servlet to the innermost one), never replacing it.
        if (server.getHandler() instanceof Handler.Wrapper outer) {
            Handler.Wrapper innermost = outer;
            while (innermost.getHandler() instanceof Handler.Wrapper inner) {
                innermost = inner;
            }
            innermost.setHandler(guard);
        } else {
            server.setHandler(guard);
        }
        server.addBean(new LoggedConnectionLimit(maxConnections, server, name));
    }

    /**
     * Jetty's limit, saying when it starts refusing to accept: an operator must learn that clients
     * are waiting. At most one warning a minute, however often the limit is reached and left.
     */
    private static final class LoggedConnectionLimit extends NetworkConnectionLimit {
        private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
        private final String name;
        private long lastWarning = System.nanoTime() - WARNING_INTERVAL_NANOS;
        private int episodes;

        LoggedConnectionLimit(int maxConnections, Server server, String name) {
            super(maxConnections, server);
            this.name = name;
        }

        /** Called by Jetty under its lock, so the fields need no other guard. */
        @Override
        protected void limit() {
            super.limit();
            episodes++;
            long now = System.nanoTime();
            if (now - lastWarning >= WARNING_INTERVAL_NANOS) {
                lastWarning = now;
                LOG.warn(
                        "{}: {} connections open, the server.max_connections limit; new connections wait until one closes "
                                + "(reached {} time(s) since the last warning)",
                        name,
                        getMaxNetworkConnectionCount(),
                        episodes);
                episodes = 0;
            }
        }
    }

    @Override
    protected void doStart() throws Exception {
        for (Connector connector : getServer().getConnectors()) {
            if (connector instanceof AbstractConnector network) {
                network.setIdleTimeout(idleTimeout.toMillis());
            }
            connector.addEventListener(this);
        }
        super.doStart();
        scheduler.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpened(Connection connection) {
        // A TLS connection carries the HTTP connection on its decrypted end, opened with it and guarded
        // instead (its deadline covers the handshake too; closing it closes the TLS connection).
        if (connection instanceof SslConnection) {
            return;
        }
        ReadDeadline deadline = new ReadDeadline(connection);
        deadline.awaitHeaders(System.nanoTime());
        open.put(connection, deadline);
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ReadDeadline deadline = open.get(request.getConnectionMetaData().getConnection());
        if (deadline == null) {
            return super.handle(request, response, callback);
        }
        deadline.requestStarted();
        BodyDeadlineRequest guarded = new BodyDeadlineRequest(request, deadline);
        Callback next = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                deadline.requestEnded(guarded, System.nanoTime());
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                deadline.requestEnded(guarded, System.nanoTime());
                super.failed(failure);
            }
        };
        boolean handled = false;
        try {
            handled = super.handle(guarded, response, next);
            return handled;
        } finally {
            if (!handled) {
                // Jetty answers (404 or 500) with its own callback: the connection must not stay unguarded.
                deadline.requestEnded(guarded, System.nanoTime());
            }
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            for (ReadDeadline deadline : open.values()) {
                deadline.enforce(now);
            }
        } catch (RuntimeException e) {
            LOG.warn("read-deadline sweep failed", e);
        } finally {
            if (isRunning()) {
                scheduler.schedule(this::sweep, sweepMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private enum Phase {
        HEADERS("request headers", "server.header_timeout"),
        BODY("request body", "server.body_read_timeout");

        private final String what;
        private final String key;

        Phase(String what, String key) {
            this.what = what;
            this.key = key;
        }
    }

    /**
     * The deadlines of one connection: its next request's headers while no request is active, and the
     * body of each request being read (HTTP/2 reads several at once on one connection; HTTP/1.1 one).
     * Written by its requests' threads, read by the sweep.
     */
    private final class ReadDeadline {
        private final Connection connection;
        private final AtomicInteger active = new AtomicInteger();
        /** When the next request's headers are due; enforced only while no request is active. */
        private volatile long headersDue;
        /** Bounded by the requests a connection may carry at once (HTTP/2's max concurrent streams). */
        private final Map<BodyDeadlineRequest, Long> bodiesDue = new ConcurrentHashMap<>();

        ReadDeadline(Connection connection) {
            this.connection = connection;
        }

        void awaitHeaders(long now) {
            headersDue = now + headerNanos;
        }

        void requestStarted() {
            active.incrementAndGet();
        }

        void requestEnded(BodyDeadlineRequest request, long now) {
            bodiesDue.remove(request);
            // The due time before the count: a sweep that sees no active request sees the fresh due time.
            awaitHeaders(now);
            active.decrementAndGet();
        }

        void readingBody(BodyDeadlineRequest request, long now) {
            bodiesDue.put(request, now + bodyNanos);
        }

        void bodyRead(BodyDeadlineRequest request) {
            bodiesDue.remove(request);
        }

        void enforce(long now) {
            Phase expired = null;
            if (active.get() == 0 && now - headersDue > 0) {
                expired = Phase.HEADERS;
            } else {
                for (long due : bodiesDue.values()) {
                    if (now - due > 0) {
                        expired = Phase.BODY;
                        break;
                    }
                }
            }
            if (expired != null) {
                // Once: a closed connection leaves the map when Jetty reports it closed.
                open.remove(connection);
                connection
                        .getEndPoint()
                        .close(new RequestReadTimeoutException(
                                "the " + expired.what + " did not arrive within " + expired.key));
            }
        }
    }

    /**
     * Arms the body deadline at the first read and disarms it when the body is complete: at its
     * declared length (a reader that stops there never asks for the end-of-content chunk) or at
     * its last chunk. Reads of one request are never concurrent; the fields are volatile because
     * they may come from different threads one after another.
     */
    private static final class BodyDeadlineRequest extends Request.Wrapper {
        private final ReadDeadline deadline;
        private final long declaredLength;
        private volatile boolean started;
        private volatile boolean finished;
        private volatile long received;

        BodyDeadlineRequest(Request request, ReadDeadline deadline) {
            super(request);
            this.deadline = deadline;
            this.declaredLength = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        }

        // Single reader at a time (see the class comment): the += on a volatile is never concurrent.
        @SuppressWarnings("NonAtomicVolatileUpdate")
        @Override
        public Content.Chunk read() {
            if (!started) {
                started = true;
                deadline.readingBody(this, System.nanoTime());
            }
            Content.Chunk chunk = super.read();
            if (chunk != null && !finished) {
                received += chunk.remaining();
                if (chunk.isLast()
                        || Content.Chunk.isFailure(chunk)
                        || (declaredLength >= 0 && received >= declaredLength)) {
                    finished = true;
                    deadline.bodyRead(this);
                }
            }
            return chunk;
        }
    }
}
