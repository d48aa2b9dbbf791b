package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

class RedisCountersTest extends CountersContract {
    private final TestRedis redis = TestRedis.shared();

    @Override
    protected Counters newCounters() {
        return RedisCounters.connect(redis.url(), redis.uniquePrefix());
    }

    @Test
    void twoReplicasShareOneLimit() throws Exception {
        String prefix = redis.uniquePrefix();
        try (RedisCounters first = RedisCounters.connect(redis.url(), prefix);
                RedisCounters second = RedisCounters.connect(redis.url(), prefix)) {
            List<Claim> claims = List.of(rate("rpm", 100, 1), budget("tokens", 1_000_000, 10, start + 3_600_000));
            int admitted = admitConcurrently(List.of(first, second), 32, 50, claims, start + 500);
            assertThat(admitted).isEqualTo(100);
            assertThat(first.used(claims.get(0), start + 500)).isEqualTo(100);
            assertThat(second.used(claims.get(1), start + 500)).isEqualTo(1_000);
        }
    }

    @Test
    void anUnreachableRedisFailsFast() {
        long began = System.nanoTime();
        try (RedisCounters down = RedisCounters.connect("redis://127.0.0.1:" + TestRedis.closedPort(), "p:")) {
            Claim claim = rate("rpm", 10, 1);
            assertThatThrownBy(() -> down.reserve("r", List.of(claim), start)).isInstanceOf(CountersUnavailableException.class);
            assertThatThrownBy(() -> down.settle("r", List.of(claim), new long[] {1}, start, start)).isInstanceOf(CountersUnavailableException.class);
            assertThatThrownBy(() -> down.used(claim, start)).isInstanceOf(CountersUnavailableException.class);
            assertThatThrownBy(() -> down.seedBudget("day", 1, start + 1_000)).isInstanceOf(CountersUnavailableException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aRedisThatGoesAwayFailsFast() {
        TestRedis own = TestRedis.start();
        try (RedisCounters counters = RedisCounters.connect(own.url(), "p:")) {
            assertThat(counters.reserve("before", List.of(rate("rpm", 10, 1)), start).admitted()).isTrue();
            own.close();
            long began = System.nanoTime();
            assertThatThrownBy(() -> counters.reserve("after", List.of(rate("rpm", 10, 1)), start))
                    .isInstanceOf(CountersUnavailableException.class)
                    .hasMessageContaining("Redis counters unavailable");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
        } finally {
            own.close();
        }
    }

    @Test
    void scriptsRedisHasForgottenAreSentAgain() {
        Claim claim = rate("rpm", 10, 1);
        assertThat(counters.reserve("one", List.of(claim), start).admitted()).isTrue();
        try (RedisClient client = RedisClient.create(redis.url())) {
            client.scriptFlush();
        }
        assertThat(counters.reserve("two", List.of(claim), start).remaining()).containsExactly(8);
        assertThat(counters.used(claim, start)).isEqualTo(2);
    }

    @Test
    void everyKeyExpiresByItselfAndALateSettleCreatesNone() {
        String prefix = redis.uniquePrefix();
        long end = start + 3_600_000;
        List<Claim> claims = List.of(rate("r", 10, 5), slots("c", 2, start + 30_000), budget("b", 100, 5, end));
        try (RedisCounters counters = RedisCounters.connect(redis.url(), prefix); RedisClient client = RedisClient.create(redis.url())) {
            assertThat(counters.reserve("kept", claims, start).admitted()).isTrue();
            assertThat(counters.reserve("settled", claims, start).admitted()).isTrue();
            counters.settle("settled", claims, new long[] {1, 0, 1}, start, start + 1_000);
            counters.settle("never", List.of(rate("gone", 10, 5), budget("gone", 100, 5, end)), new long[] {9, 9}, start, start + 1_000);
            counters.seedBudget("seeded", 10, end);

            Set<String> keys = client.keys(prefix + "*");
            assertThat(keys).containsExactlyInAnyOrder(prefix + "rate:r", prefix + "slots:c", prefix + "budget:b", prefix + "budget:seeded");
            for (String key : keys) {
                assertThat(client.pttl(key)).as(key).isPositive();
            }
            assertThat(client.pttl(prefix + "rate:r")).isLessThanOrEqualTo(61_000 + RedisCounters.LINGER_MILLIS);
        }
    }

    @Test
    void theUrlCarriesPasswordAndDatabase() {
        TestRedis own = TestRedis.start("--requirepass", "sesame");
        try (RedisCounters counters = RedisCounters.connect("redis://:sesame@127.0.0.1:" + own.port() + "/3", "p:");
                RedisClient database3 = RedisClient.create("redis://:sesame@127.0.0.1:" + own.port() + "/3");
                RedisCounters wrong = RedisCounters.connect("redis://:wrong@127.0.0.1:" + own.port() + "/3", "p:")) {
            assertThat(counters.reserve("r", List.of(rate("rpm", 10, 1)), start).admitted()).isTrue();
            assertThat(database3.exists("p:rate:rpm")).isTrue();
            assertThatThrownBy(() -> wrong.used(rate("rpm", 10, 1), start)).isInstanceOf(CountersUnavailableException.class);
        } finally {
            own.close();
        }
        assertThatThrownBy(() -> RedisCounters.connect("http://:sesame@127.0.0.1:6379", "p:"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("sesame");
    }

    @Test
    void aClientPassedInStaysOpen() {
        try (RedisClient client = RedisClient.create(redis.url())) {
            new RedisCounters(client, redis.uniquePrefix()).close();
            assertThat(client.ping()).isEqualTo("PONG");
        }
    }
}
