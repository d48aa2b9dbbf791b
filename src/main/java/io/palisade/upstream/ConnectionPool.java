package io.palisade.upstream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The idle keep-alive connections to one backend, most recently used first: reusing the warmest
 * connection lets the others age out, so a burst's surplus connections close by themselves.
 * At most {@code maxIdle} are kept (a surplus one is closed), and none idle longer than
 * {@code maxIdleTime}: servers close idle connections on their own schedule (uvicorn, behind vLLM,
 * after 5 s), and a connection the server may be closing is one a request would fail on. Expired
 * connections are closed on every take and put and by {@link #closeExpired()}, which a scheduler
 * calls so that a pool nobody uses any more does not keep sockets open. Connections are created by
 * callers; the pool only holds, hands out and closes idle ones.
 *
 * <p>Thread-safe. A {@link ReentrantLock} guards the deque (a monitor would pin a waiting virtual
 * thread to its carrier on JDK 21); it is held only for deque operations, never while a socket is
 * closed or used.
 */
final class ConnectionPool {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Http1Connection> idle = new ArrayDeque<>(); // guarded by lock; first = most recent
    private final int maxIdle;
    private final long maxIdleNanos;
    private final LongSupplier nanoTime;

    ConnectionPool(int maxIdle, Duration maxIdleTime, LongSupplier nanoTime) {
        this.maxIdle = maxIdle;
        this.maxIdleNanos = maxIdleTime.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The most recently used idle connection that has not expired, or null when there is none. */
    Http1Connection take() {
        List<Http1Connection> expired;
        Http1Connection taken;
        lock.lock();
        try {
            expired = removeExpired();
            taken = idle.pollFirst();
        } finally {
            lock.unlock();
        }
        expired.forEach(Http1Connection::close);
        return taken;
    }

    /** Keeps a connection whose last answer was read to its end and allowed another request. */
    void put(Http1Connection connection) {
        List<Http1Connection> closing;
        lock.lock();
        try {
            connection.idleSince(nanoTime.getAsLong());
            idle.addFirst(connection);
            closing = removeExpired();
            while (idle.size() > maxIdle) {
                closing = closing.isEmpty() ? new ArrayList<>() : closing;
                closing.add(idle.pollLast());
            }
        } finally {
            lock.unlock();
        }
        closing.forEach(Http1Connection::close);
    }

    /** Closes the connections idle longer than the max idle time. */
    void closeExpired() {
        List<Http1Connection> expired;
        lock.lock();
        try {
            expired = removeExpired();
        } finally {
            lock.unlock();
        }
        expired.forEach(Http1Connection::close);
    }

    int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    /** The expired connections, taken out of the deque; oldest last, so they are a run at its end. */
    private List<Http1Connection> removeExpired() {
        long now = nanoTime.getAsLong();
        List<Http1Connection> expired = List.of();
        while (!idle.isEmpty() && now - idle.peekLast().idleSinceNanos() >= maxIdleNanos) {
            expired = expired.isEmpty() ? new ArrayList<>() : expired;
            expired.add(idle.pollLast());
        }
        return expired;
    }
}
