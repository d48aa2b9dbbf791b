package io.palisade.admission;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *   <li>{@code slots:<key>}: a sorted set of reservation ids scored by their lease expiry (ms);
 *       expired members are dropped before counting; TTL until the last expiry + linger.</li>
 *   <li>{@code budget:<key>}: a hash {@code {total, expires, r:<reservation id> = amount...}}; it
 *       counts while {@code expires} is after now; TTL until {@code expires} + linger. The
 *       {@code r:} fields are the reservations not yet settled (see redis-settle.lua).</li>
 * </ul>
 * Scripts: {@code redis-reserve.lua}, {@code redis-settle.lua}, {@code redis-used.lua},
 * {@code redis-seed-budget.lua}, {@code redis-renew-leases.lua} beside this class.
 *
 * <p>Concurrency slots are leases: a slot is taken for {@code lease} (at most until the claim's own
 * expiry) and this process renews the leases of the reservations it holds from one background
 * thread, every {@link #heartbeatMillis} (one script call per replica, not per request). A
 * replica that dies stops renewing, so its slots free themselves within one lease, on every replica.
 * The same heartbeat is the health probe behind {@link #healthy()}.
 *
 * <p>Lost data (FLUSHALL, failover to an empty replica, eviction): a missing budget counter is
 * reported by {@link #reserve} ({@link Verdict#unseeded}) rather than started at 0; the caller seeds
 * it from durable usage, and {@link #seedBudget} adds this process' reservations in flight. With Redis Cluster, all keys of one
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
    /** How long a concurrency slot outlives its holder's last heartbeat, unless configured. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);
    /** Keys per renewal script call: bounds one call's size when many requests are in flight. */
    private static final int RENEWALS_PER_CALL = 512;

    private static final Logger LOG = LoggerFactory.getLogger(RedisCounters.class);

    private static final RedisScript RESERVE = RedisScript.load("redis-reserve.lua");
    private static final RedisScript SETTLE = RedisScript.load("redis-settle.lua");
    private static final RedisScript USED = RedisScript.load("redis-used.lua");
    private static final RedisScript SEED_BUDGET = RedisScript.load("redis-seed-budget.lua");
    private static final RedisScript RENEW_LEASES = RedisScript.load("redis-renew-leases.lua");

    private final UnifiedJedis redis;
    private final String prefix;
    private final boolean ownsClient;
    private final long leaseMillis;
    private final long heartbeatMillis;
    /**
     * This process' reservations not yet settled that hold slots or budget amounts, by id: what
     * the heartbeat renews and a re-seed adds. Bounded by the requests in flight (each leaves at
     * its settle, which the {@link Counters} contract guarantees).
     */
    private final Map<String, List<Claim>> inFlight = new ConcurrentHashMap<>();
    /**
     * The reservations of {@link #inFlight} that Redis admitted. A reservation enters
     * {@code inFlight} before its script runs (so the heartbeat renews a slot it may be taking), but
     * only an admitted one is in a counter: a seed must add those alone. Adding the ones still
     * waiting for their script (which will find the budget missing and retry after the seed) put a
     * burst's whole worst case into the seed and refused every request of the burst.
     */
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    private final ScheduledExecutorService heartbeat;
    /** Whether the last call to Redis worked (written only on a change, read by readiness). */
    private volatile boolean reachable;

    /** Uses {@code redis} without taking it over: closing these counters leaves it open. */
    public RedisCounters(UnifiedJedis redis, String prefix) {
        this(redis, prefix, DEFAULT_LEASE, false);
    }

    private RedisCounters(UnifiedJedis redis, String prefix, Duration lease, boolean ownsClient) {
        if (redis == null || prefix == null || lease == null || lease.toMillis() < 100) {
            throw new IllegalArgumentException(
                    "a Redis client, a key prefix and a lease of at least 100 ms are required");
        }
        this.redis = redis;
        this.prefix = prefix;
        this.ownsClient = ownsClient;
        this.leaseMillis = lease.toMillis();
        // Three renewals per lease, so one lost renewal never loses a live slot; at least once a
        // second, since the heartbeat is also the health probe that readiness reads.
        this.heartbeatMillis = Math.min(1_000, leaseMillis / 3);
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .name("palisade-redis-heartbeat")
                .daemon(true)
                .factory());
        // The executor owns this periodic task and stops it when close() shuts it down.
        var unused = heartbeat.scheduleWithFixedDelay(this::beat, 0, heartbeatMillis, TimeUnit.MILLISECONDS);
    }

    /** Connects to {@code redis://[[user]:password@]host:port[/db]} (or {@code rediss://}) with the default timeouts and lease. */
    public static RedisCounters connect(String redisUrl, String prefix) {
        return connect(redisUrl, prefix, DEFAULT_LEASE);
    }

    /** Connects with the default timeouts and the given concurrency lease. */
    public static RedisCounters connect(String redisUrl, String prefix, Duration lease) {
        return connect(redisUrl, prefix, DEFAULT_CONNECT_TIMEOUT, DEFAULT_SOCKET_TIMEOUT, lease);
    }

    /**
     * Connects with the given timeouts: short ones turn an unreachable Redis into a quick
     * {@link CountersUnavailableException} instead of stalled requests.
     */
    public static RedisCounters connect(
            String redisUrl, String prefix, Duration connectTimeout, Duration socketTimeout) {
        return connect(redisUrl, prefix, connectTimeout, socketTimeout, DEFAULT_LEASE);
    }

    private static RedisCounters connect(
            String redisUrl, String prefix, Duration connectTimeout, Duration socketTimeout, Duration lease) {
        URI uri;
        try {
            uri = URI.create(redisUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "not a Redis URL (redis://[:password@]host:port[/db]): " + withoutPassword(redisUrl), e);
        }
        if (!JedisURIHelper.isValid(uri)
                || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
            throw new IllegalArgumentException(
                    "not a Redis URL (redis://[:password@]host:port[/db]): " + withoutPassword(redisUrl));
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        // Waiting for a pooled connection is bounded too, so a saturated pool also fails fast.
        pool.setMaxWait(connectTimeout.plus(socketTimeout));
        // fromURI is deprecated in Jedis 7 without a like-for-like successor: spelling it out needs
        // DefaultJedisClientConfig.Builder.ssl(boolean), deprecated too, and its replacement (SslOptions)
        // sets TLS up differently. Kept until Jedis offers one, so rediss:// behaves exactly as before.
        @SuppressWarnings("deprecation")
        RedisClient client = RedisClient.builder()
                .clientConfig(DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()))
                        .socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()))
                        .build())
                .fromURI(uri)
                .poolConfig(pool)
                .build();
        return new RedisCounters(client, prefix, lease, true);
    }

    @Override
    public Verdict reserve(String reservationId, List<Claim> claims, long nowMillis) {
        if (claims.isEmpty()) {
            return Verdict.admitted(List.of());
        }
        List<String> keys = new ArrayList<>(claims.size());
        List<String> arguments = new ArrayList<>(4 + 4 * claims.size());
        arguments.add(Long.toString(nowMillis));
        arguments.add(Long.toString(RateWindow.bucket(nowMillis)));
        arguments.add(reservationId);
        arguments.add(Long.toString(LINGER_MILLIS));
        boolean held = false;
        for (Claim claim : claims) {
            keys.add(key(claim.kind(), claim.key()));
            arguments.add(kind(claim.kind()));
            arguments.add(Long.toString(claim.limit()));
            arguments.add(Long.toString(claim.amount()));
            arguments.add(Long.toString(
                    claim.kind() == Claim.Kind.CONCURRENCY ? leaseUntil(claim, nowMillis) : claim.expiresAtMillis()));
            held |= claim.kind() != Claim.Kind.RATE;
        }
        if (held) {
            // Before the script: a heartbeat between the script and this line would miss the new slot.
            inFlight.put(reservationId, claims);
        }
        List<?> reply;
        try {
            reply = (List<?>) run(RESERVE, keys, arguments);
        } catch (CountersUnavailableException e) {
            inFlight.remove(reservationId); // never settled; a slot it may hold lapses with its lease
            throw e;
        }
        int refused = Math.toIntExact((Long) reply.get(0));
        if (refused != -1) {
            inFlight.remove(reservationId);
        } else if (held) {
            admitted.add(reservationId);
        }
        if (refused == -2) {
            return Verdict.unseeded(Math.toIntExact((Long) reply.get(1)));
        }
        if (refused >= 0) {
            Claim claim = claims.get(refused);
            long retryAfter = switch (claim.kind()) {
                case RATE, CONCURRENCY -> (Long) reply.get(1);
                case BUDGET -> Math.max(0, claim.expiresAtMillis() - nowMillis);
            };
            return Verdict.refused(refused, retryAfter);
        }
        // Remaining is computed here, in exact longs; Lua numbers are doubles.
        List<ClaimAmount> remaining = new ArrayList<>(claims.size());
        for (int i = 0; i < claims.size(); i++) {
            Claim claim = claims.get(i);
            remaining.add(new ClaimAmount(claim, claim.limit() - (Long) reply.get(i + 2) - claim.amount()));
        }
        return Verdict.admitted(remaining);
    }

    @Override
    public void settle(String reservationId, List<ClaimAmount> actual, long reservedAtMillis, long nowMillis) {
        if (actual.isEmpty()) {
            return;
        }
        inFlight.remove(reservationId);
        admitted.remove(reservationId);
        List<String> keys = new ArrayList<>(actual.size());
        List<String> arguments = new ArrayList<>(3 + 4 * actual.size());
        arguments.add(Long.toString(nowMillis));
        arguments.add(Long.toString(RateWindow.bucket(nowMillis)));
        arguments.add(reservationId);
        String reservedSecond = Long.toString(RateWindow.bucket(reservedAtMillis));
        // The script takes its arguments positionally, four per claim: the one place amounts are an array.
        for (ClaimAmount used : actual) {
            Claim claim = used.claim();
            keys.add(key(claim.kind(), claim.key()));
            arguments.add(kind(claim.kind()));
            arguments.add(Long.toString(used.amount() - claim.amount()));
            arguments.add(reservedSecond);
            arguments.add(Long.toString(used.amount()));
        }
        run(SETTLE, keys, arguments);
    }

    /**
     * Liveness of an existing budget is judged by this process' wall clock, as the interface
     * passes no time here.
     */
    @Override
    public void seedBudget(String key, long amount, long expiresAtMillis) {
        List<String> arguments = new ArrayList<>(List.of(
                "",
                Long.toString(expiresAtMillis),
                Long.toString(System.currentTimeMillis()),
                Long.toString(LINGER_MILLIS)));
        long total = amount;
        for (Map.Entry<String, List<Claim>> reservation : inFlight.entrySet()) {
            if (!admitted.contains(reservation.getKey())) {
                continue;
            }
            for (Claim claim : reservation.getValue()) {
                if (claim.kind() == Claim.Kind.BUDGET
                        && claim.key().equals(key)
                        && claim.expiresAtMillis() == expiresAtMillis) {
                    arguments.add(reservation.getKey());
                    arguments.add(Long.toString(claim.amount()));
                    total += claim.amount();
                }
            }
        }
        arguments.set(0, Long.toString(total));
        run(SEED_BUDGET, List.of(key(Claim.Kind.BUDGET, key)), arguments);
    }

    /** False from the first failed call to Redis until the next that works (the heartbeat tries at least once a second). */
    @Override
    public boolean healthy() {
        return reachable;
    }

    private long leaseUntil(Claim claim, long nowMillis) {
        return Math.min(claim.expiresAtMillis(), nowMillis + leaseMillis);
    }

    /**
     * One heartbeat: renews the lease of every slot this process holds, or, holding none, pings.
     * Either way it tells {@link #healthy()} whether Redis answers. Never throws (a scheduled task
     * that throws is never run again).
     */
    private void beat() {
        try {
            long now = System.currentTimeMillis();
            List<String> keys = new ArrayList<>();
            List<String> arguments = new ArrayList<>();
            for (Map.Entry<String, List<Claim>> reservation : inFlight.entrySet()) {
                for (Claim claim : reservation.getValue()) {
                    if (claim.kind() == Claim.Kind.CONCURRENCY) {
                        if (keys.isEmpty()) {
                            arguments.add(Long.toString(now));
                            arguments.add(Long.toString(LINGER_MILLIS));
                        }
                        keys.add(key(claim.kind(), claim.key()));
                        arguments.add(reservation.getKey());
                        arguments.add(Long.toString(leaseUntil(claim, now)));
                        if (keys.size() == RENEWALS_PER_CALL) {
                            run(RENEW_LEASES, keys, arguments);
                            keys = new ArrayList<>();
                            arguments = new ArrayList<>();
                        }
                    }
                }
            }
            if (!keys.isEmpty()) {
                run(RENEW_LEASES, keys, arguments);
            } else {
                ping();
            }
        } catch (CountersUnavailableException e) {
            LOG.debug("Redis heartbeat failed: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Redis heartbeat failed unexpectedly", e);
        }
    }

    private void ping() {
        try {
            redis.ping();
            reached(true);
        } catch (JedisException e) {
            reached(false);
            throw new CountersUnavailableException("Redis counters unavailable (PING): " + e.getMessage(), e);
        }
    }

    private void reached(boolean answered) {
        if (reachable != answered) {
            reachable = answered;
        }
    }

    @Override
    public long used(Claim claim, long nowMillis) {
        return (Long) run(
                USED,
                List.of(key(claim.kind(), claim.key())),
                List.of(kind(claim.kind()), Long.toString(nowMillis), Long.toString(RateWindow.bucket(nowMillis))));
    }

    /**
     * Stops the heartbeat (leases of reservations still held then lapse by themselves) and closes
     * the client only if {@link #connect} made it; one passed in belongs to the caller.
     */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        if (ownsClient) {
            redis.close();
        }
    }

    private Object run(RedisScript script, List<String> keys, List<String> arguments) {
        try {
            Object reply = script.run(redis, keys, arguments);
            reached(true);
            return reply;
        } catch (JedisException e) {
            reached(false);
            // Any Redis failure (connection, timeout, exhausted pool, LOADING, READONLY, OOM, a
            // script error) leaves the limits unknown; the gateway decides between 503 and failing open.
            throw new CountersUnavailableException(
                    "Redis counters unavailable (" + script.name() + "): " + e.getMessage(), e);
        }
    }

    // The kind is part of the key: one key string may name a rate, a slot set and a budget at once.
    private String key(Claim.Kind kind, String key) {
        return prefix
                + switch (kind) {
                    case RATE -> "rate:";
                    case CONCURRENCY -> "slots:";
                    case BUDGET -> "budget:";
                }
                + key;
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
