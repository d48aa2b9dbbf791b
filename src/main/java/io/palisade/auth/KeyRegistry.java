package io.palisade.auth;

import io.palisade.error.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The hot-path view of keys, users and teams: an immutable snapshot in memory, keyed by the
 * SHA-256 of the secret (so a lookup is one hash and one map read), replaced as a whole
 * by {@link #reload()}. Every admin change calls {@code reload()} before it answers, so a revoked
 * key is refused on the very next request without any per-request database read.
 * Thread-safe: readers see one consistent snapshot through a volatile reference.
 */
public final class KeyRegistry {
    private final KeyStore keys;
    private final UserStore users;
    private final TeamStore teams;
    private final Clock clock;
    private volatile Map<String, Caller> bySecretHash = Map.of();

    public KeyRegistry(KeyStore keys, UserStore users, TeamStore teams, Clock clock) {
        this.keys = keys;
        this.users = users;
        this.teams = teams;
        this.clock = clock;
    }

    public synchronized void reload() {
        Map<String, User> userById = users.all().stream().collect(Collectors.toMap(User::id, Function.identity()));
        Map<String, Team> teamById = teams.all().stream().collect(Collectors.toMap(Team::id, Function.identity()));
        Map<String, Caller> snapshot = new HashMap<>();
        for (ApiKey key : keys.all()) {
            User user = userById.get(key.userId());
            if (user == null) {
                continue;
            }
            Team team = teamById.get(key.teamId() != null ? key.teamId() : user.teamId());
            ModelGrants grants = ModelGrants.of(key.allowedModels())
                    .union(team == null ? ModelGrants.none() : ModelGrants.of(team.allowedModels()));
            snapshot.put(key.secretHash(), new Caller(key, user, team, grants));
        }
        bySecretHash = Map.copyOf(snapshot);
    }

    /** Checks an {@code Authorization} header value ("Bearer pal_…") or a bare token. */
    public Authentication authenticate(String authorization) {
        String token = bearerToken(authorization);
        if (token == null) {
            return new Authentication(null, ErrorCode.MISSING_API_KEY, null);
        }
        String hash = KeyTokens.hash(token);
        Caller caller = bySecretHash.get(hash);
        ErrorCode refusal = refusal(caller);
        // The fingerprint only names a refused key in the audit: not made for an accepted one.
        return refusal == null
                ? Authentication.accepted(caller)
                : new Authentication(caller, refusal, KeyTokens.fingerprintOfHash(hash));
    }

    /** Why {@code caller} (null: no key has this hash) may not call now, or null when it may. */
    private ErrorCode refusal(Caller caller) {
        if (caller == null) {
            return ErrorCode.INVALID_API_KEY;
        }
        if (caller.key().revokedAt() != null) {
            return ErrorCode.KEY_REVOKED;
        }
        Instant now = clock.instant();
        if (caller.key().expiresAt() != null && !now.isBefore(caller.key().expiresAt())) {
            return ErrorCode.KEY_EXPIRED;
        }
        if (caller.user().status() != UserStatus.ACTIVE) {
            return ErrorCode.USER_NOT_ACTIVE;
        }
        return null;
    }

    public boolean isEmpty() {
        return bySecretHash.isEmpty();
    }

    private static String bearerToken(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return null;
        }
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            value = value.substring(7).trim();
        }
        return value.isEmpty() ? null : value;
    }
}
