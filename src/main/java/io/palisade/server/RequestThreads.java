package io.palisade.server;

import java.util.concurrent.Executors;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty's threads: a few platform threads run the selector and the acceptor, and every request
 * runs on its own virtual thread.
 */
final class RequestThreads {
    private RequestThreads() {}

    static QueuedThreadPool create(String name) {
        QueuedThreadPool pool = new QueuedThreadPool(16, 4);
        pool.setName(name);
        pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(name + "-request-", 0).factory()));
        return pool;
    }
}
