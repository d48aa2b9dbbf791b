package io.palisade.admission;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Counters in Redis, shared by every replica, with the semantics of {@link LocalCounters} (the
 * {@link Counters} contract). Each operation is one Lua script, and Redis runs one script at a
 * time, so a reservation's checks and updates are atomic over all its claims against every other
 * reservation from every replica.
 *
 * <p>Data layout, under {@code prefix}:
 * <ul>
 *   <li>{@code rate:<key>}: a hash from epoch second to the amount reserved in it; seconds that
 *       have left the 61-second window are dropped by the next reservation; TTL window + linger.</li>
 *   <li>{@code slots:<key>}: a sorted set of reservation ids scored by their expiry (ms); expired
 *       members are dropped before counting; TTL until the last expiry + linger.</li>
 *   <li>{@code budget:<key>}: a hash {@code {total, expires}}; it counts while {@code expires} is
 *       after now; TTL until {@code expires} + linger.</li>
 * </ul>
 * Scripts: {@code redis-reserve.lua}, {@code redis-settle.lua}, {@code redis-used.lua},
 * {@code redis-seed-budget.lua} beside this class. With Redis Cluster, all keys of one
 * reservation must share a slot: give the prefix a hash tag, e.g. {@code "{palisade}:"}.
 *
 * <p>Time: every decision uses the caller's {@code nowMillis}, never Redis' clock, so replicas
 * must keep their clocks synchronised (NTP). A replica whose clock is {@code d} seconds off counts
 * rate windows, slot expiries and budget periods {@code d} seconds early or late, and one that is
 * ahead drops rate seconds the others still count: the shared limits then hold only to within
 * about {@code d} seconds' worth of traffic. Redis TTLs only collect garbage; they are relative and
 * linger {@value #LINGER_MILLIS} ms past the caller's expiry so that modest skew never loses a
 * counter that another replica still considers live.
 *
 * <p>Failures: when Redis cannot answer (unreachable, timed out, refusing commands), every
 * operation throws {@link CountersUnavailableException}; nothing is retried, since a reservation
 * whose reply was lost may have been applied. {@link #connect} does not contact Redis, so the
 * gateway can start while Redis is down.
 *
 * <p>Thread-safe: the client is a connection pool and the scripts are immutable.
 */
public final class RedisCounters implements Counters {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(1);
    /** Enough for every request thread of a busy replica; a script takes well under a millisecond. */
    public static final int MAX_CONNECTIONS = 64;
    static final long LINGER_MILLIS = 10_000;

    private static final RedisScript RESERVE = RedisScript.load("redis-reserve.lua");
    private static final RedisScript SETTLE = RedisScript.load("redis-settle.lua");
    private static final RedisScript USED = RedisScript.load("redis-used.lua");
    private static final RedisScript SEED_BUDGET = RedisScript.load("redis-seed-budget.lua");

    private final UnifiedJedis redis;
    private final String prefix;
    private final boolean ownsClient;

    /** Uses {@code redis} without taking it over: closing these counters leaves it open. */
    public RedisCounters(UnifiedJedis redis, String prefix) {
        this(redis, prefix, false);
    }

    private RedisCounters(UnifiedJedis redis, String prefix, boolean ownsClient) {
        if (redis == null || prefix == null) {
            throw new IllegalArgumentException("a Redis client and a key prefix are required");
        }
        this.redis = redis;
        this.prefix = prefix;
        this.ownsClient = ownsClient;
    }

    /** Connects to {@code redis://[[user]:password@]host:port[/db]} (or {@code rediss://}) with the default timeouts. */
    public static RedisCounters connect(String redisUrl, String prefix) {
        return connect(redisUrl, prefix, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT);
    }

    /**
     * Connects with the given timeouts: short ones turn an unreachable Redis into a quick
     * {@link CountersUnavailableException} instead of stalled requests.
     */
    public static RedisCounters connect(String redisUrl, String prefix, Duration connectTimeout, Duration socketTimeout) {
        URI uri;
        try {
            uri = URI.create(redisUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a Redis URL (redis://[:password@]host:port[/db]): " + withoutPassword(redisUrl), e);
        }
        if (!JedisURIHelper.isValid(uri) || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
            throw new IllegalArgumentException("not a Redis URL (redis://[:password@]host:port[/db]): " + withoutPassword(redisUrl));
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        // Waiting for a pooled connection is bounded too, so a saturated pool also fails fast.
        pool.setMaxWait(connectTimeout.plus(socketTimeout));
        RedisClient client = RedisClient.builder()
                .clientConfig(DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                        .socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()))
                        .build())
                .fromURI(uri)
                .poolConfig(pool)
                .build();
        return new RedisCounters(client, prefix, true);
    }

    @Override
    public Verdict reserve(String reservationId, List<Claim> claims, long nowMillis) {
        if (claims.isEmpty()) {
            return Verdict.admitted(new long[0]);
        }
        List<String> keys = new ArrayList<>(claims.size());
        List<String> arguments = new ArrayList<>(4 + 4 * claims.size());
        arguments.add(Long.toString(nowMillis));
        arguments.add(Long.toString(RateWindow.bucket(nowMillis)));
        arguments.add(reservationId);
        arguments.add(Long.toString(LINGER_MILLIS));
        for (Claim claim : claims) {
            keys.add(key(claim.kind(), claim.key()));
            arguments.add(kind(claim.kind()));
            arguments.add(Long.toString(claim.limit()));
            arguments.add(Long.toString(claim.amount()));
            arguments.add(Long.toString(claim.expiresAtMillis()));
        }
        List<?> reply = (List<?>) run(RESERVE, keys, arguments);
        int refused = Math.toIntExact((Long) reply.get(0));
        if (refused >= 0) {
            Claim claim = claims.get(refused);
            long retryAfter = switch (claim.kind()) {
                case RATE -> (Long) reply.get(1);
                case BUDGET -> Math.max(0, claim.expiresAtMillis() - nowMillis);
                case CONCURRENCY -> 0;
            };
            return Verdict.refused(refused, retryAfter);
        }
        // Remaining is computed here, in exact longs; Lua numbers are doubles.
        long[] remaining = new long[claims.size()];
        for (int i = 0; i < claims.size(); i++) {
            Claim claim = claims.get(i);
            remaining[i] = claim.limit() - (Long) reply.get(i + 2) - claim.amount();
        }
        return Verdict.admitted(remaining);
    }

    @Override
    public void settle(String reservationId, List<Claim> claims, long[] actual, long reservedAtMillis, long nowMillis) {
        if (actual.length != claims.size()) {
            throw new IllegalArgumentException("one actual amount per claim: " + actual.length + " for " + claims.size());
        }
        if (claims.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(claims.size());
        List<String> arguments = new ArrayList<>(3 + 3 * claims.size());
        arguments.add(Long.toString(nowMillis));
        arguments.add(Long.toString(RateWindow.bucket(nowMillis)));
        arguments.add(reservationId);
        String reservedSecond = Long.toString(RateWindow.bucket(reservedAtMillis));
        for (int i = 0; i < claims.size(); i++) {
            Claim claim = claims.get(i);
            keys.add(key(claim.kind(), claim.key()));
            arguments.add(kind(claim.kind()));
            arguments.add(Long.toString(actual[i] - claim.amount()));
            arguments.add(reservedSecond);
        }
        run(SETTLE, keys, arguments);
    }

    /**
     * Liveness of an existing budget is judged by this process' wall clock, as the interface
     * passes no time here.
     */
    @Override
    public void seedBudget(String key, long amount, long expiresAtMillis) {
        run(SEED_BUDGET, List.of(key(Claim.Kind.BUDGET, key)), List.of(
                Long.toString(amount), Long.toString(expiresAtMillis),
                Long.toString(System.currentTimeMillis()), Long.toString(LINGER_MILLIS)));
    }

    @Override
    public long used(Claim claim, long nowMillis) {
        return (Long) run(USED, List.of(key(claim.kind(), claim.key())), List.of(
                kind(claim.kind()), Long.toString(nowMillis), Long.toString(RateWindow.bucket(nowMillis))));
    }

    /** Closes the client only if {@link #connect} made it; one passed in belongs to the caller. */
    @Override
    public void close() {
        if (ownsClient) {
            redis.close();
        }
    }

    private Object run(RedisScript script, List<String> keys, List<String> arguments) {
        try {
            return script.run(redis, keys, arguments);
        } catch (JedisException e) {
            // Any Redis failure (connection, timeout, exhausted pool, LOADING, READONLY, OOM, a
            // script error) leaves the limits unknown; the gateway decides between 503 and failing open.
            throw new CountersUnavailableException("Redis counters unavailable (" + script.name() + "): " + e.getMessage(), e);
        }
    }

    // The kind is part of the key: one key string may name a rate, a slot set and a budget at once.
    private String key(Claim.Kind kind, String key) {
        return prefix + switch (kind) {
            case RATE -> "rate:";
            case CONCURRENCY -> "slots:";
            case BUDGET -> "budget:";
        } + key;
    }

    private static String kind(Claim.Kind kind) {
        return switch (kind) {
            case RATE -> "R";
            case CONCURRENCY -> "C";
            case BUDGET -> "B";
        };
    }

    private static String withoutPassword(String url) {
        return url == null ? "null" : url.replaceFirst("//[^/@]*@", "//***@");
    }
}
