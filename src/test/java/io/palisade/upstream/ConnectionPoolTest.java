package io.palisade.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Await;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool's bounds (idle count, idle time) and the sweep, on a clock the test moves. */
class ConnectionPoolTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final CountDownLatch[] closedByClient = {new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1)
    };
    private final FakeBackend backend = new FakeBackend((connection, index) -> {
        if (connection.clientClosed() && index < closedByClient.length) {
            closedByClient[index].countDown();
        }
    });
    private final List<Http1Connection> opened = new ArrayList<>();

    ConnectionPoolTest() throws Exception {}

    @AfterEach
    void stop() throws Exception {
        opened.forEach(Http1Connection::close);
        backend.close();
    }

    @Test
    void theMostRecentlyReturnedConnectionIsHandedOutFirst() throws Exception {
        ConnectionPool pool = new ConnectionPool(8, Duration.ofSeconds(4), now::get);
        Http1Connection older = open();
        Http1Connection newer = open();

        pool.put(older);
        pool.put(newer);

        assertThat(pool.take()).isSameAs(newer);
        assertThat(pool.take()).isSameAs(older);
        assertThat(pool.take()).isNull();
    }

    @Test
    void aConnectionIdleForTheMaxIdleTimeIsClosedInsteadOfHandedOut() throws Exception {
        ConnectionPool pool = new ConnectionPool(8, Duration.ofSeconds(4), now::get);
        Http1Connection connection = open();
        pool.put(connection);

        now.addAndGet(Duration.ofMillis(3999).toNanos());
        assertThat(pool.idleCount()).isEqualTo(1);
        now.addAndGet(Duration.ofMillis(1).toNanos());

        assertThat(pool.take()).isNull();
        assertThat(closedByClient[0].await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void idleConnectionsBeyondTheBoundAreClosedOldestFirst() throws Exception {
        ConnectionPool pool = new ConnectionPool(2, Duration.ofSeconds(4), now::get);
        Http1Connection first = open();
        Http1Connection second = open();
        Http1Connection third = open();

        pool.put(first);
        pool.put(second);
        pool.put(third);

        assertThat(pool.idleCount()).isEqualTo(2);
        assertThat(closedByClient[0].await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(pool.take()).isSameAs(third);
        assertThat(pool.take()).isSameAs(second);
    }

    @Test
    void theSweepClosesExpiredConnectionsOfAPoolNobodyUses() throws Exception {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            ConnectionPool pool = new ConnectionPool(8, Duration.ofSeconds(4), now::get);
            pool.put(open());
            IdleSweep.start(scheduler, pool, Duration.ofMillis(10));

            now.addAndGet(Duration.ofSeconds(5).toNanos());

            assertThat(closedByClient[0].await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.idleCount()).isZero();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void theSweepStopsOnceItsPoolIsGarbage() throws Exception {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.setRemoveOnCancelPolicy(true);
        try {
            ConnectionPool pool = new ConnectionPool(8, Duration.ofSeconds(4), now::get);
            WeakReference<ConnectionPool> collected = new WeakReference<>(pool);
            IdleSweep.start(scheduler, pool, Duration.ofMillis(10));
            assertThat(scheduler.getQueue()).hasSize(1);
            pool = null;

            Await.until(
                    Duration.ofSeconds(30),
                    () -> {
                        System.gc();
                        return collected.get() == null && scheduler.getQueue().isEmpty();
                    },
                    "the pool collected and its sweep cancelled");

            assertThat(collected.get())
                    .as("the sweep must not keep its pool reachable")
                    .isNull();
            assertThat(scheduler.getQueue()).as("the sweep cancels itself").isEmpty();
        } finally {
            scheduler.shutdownNow();
        }
    }

    private Http1Connection open() throws Exception {
        Http1Connection connection =
                Http1Connection.open("127.0.0.1", backend.url().getPort(), 10_000);
        opened.add(connection);
        return connection;
    }
}
