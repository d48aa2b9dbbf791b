package io.palisade.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many client connections the process can serve before it runs out of file descriptors.
 * Each proxied request holds two descriptors (the client's connection and the backend's), and the
 * rest of the process needs its own: the store (SQLite's file, WAL and shared memory per
 * connection, or PostgreSQL's pool), Redis, the logs, the JDK's jars and sockets, the operations
 * listener. So the default limit is half of what the descriptor limit leaves after a reserve.
 * Running out of descriptors fails every accept, store write and backend connect at once; a
 * connection limit below it only makes new clients wait in the kernel's backlog.
 */
public final class ConnectionBudget {
    /** Descriptors kept for everything that is not a client connection or its backend connection. */
    static final long RESERVED_DESCRIPTORS = 256;
    /** Where the platform cannot say its descriptor limit (not a Unix). */
    static final int FALLBACK_LIMIT = 10_000;

    private static final int MINIMUM_LIMIT = 16;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionBudget.class);

    private ConnectionBudget() {}

    /** {@code configured} when set (greater than 0), else the limit derived from this process's descriptor limit. */
    public static int resolve(int configured) {
        long descriptors = descriptorLimit();
        int affordable = descriptors < 0 ? FALLBACK_LIMIT : forDescriptorLimit(descriptors);
        if (configured <= 0) {
            return affordable;
        }
        if (configured > affordable && descriptors >= 0) {
            LOG.warn(
                    "server.max_connections is {}, but the process may open only {} file descriptors: past about {} connections "
                            + "it can run out of them (raise the limit, e.g. LimitNOFILE= or ulimit -n)",
                    configured,
                    descriptors,
                    affordable);
        }
        return configured;
    }

    /** The default limit for a process allowed {@code maxDescriptors} open descriptors. */
    static int forDescriptorLimit(long maxDescriptors) {
        long available = (maxDescriptors - RESERVED_DESCRIPTORS) / 2;
        return Math.clamp(available, MINIMUM_LIMIT, Integer.MAX_VALUE / 2);
    }

    /** The process's descriptor limit, or -1 where the platform cannot say. */
    public static long descriptorLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }
}
