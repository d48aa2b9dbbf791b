package io.palisade.admin;

import io.palisade.admission.Limits;
import io.palisade.admission.LimitsCodec;
import io.palisade.audit.AuditStore;
import io.palisade.auth.ApiKey;
import io.palisade.auth.KeyStore;
import io.palisade.auth.KeyTokens;
import io.palisade.auth.ModelGrants;
import io.palisade.auth.Team;
import io.palisade.auth.TeamStore;
import io.palisade.auth.User;
import io.palisade.auth.UserStatus;
import io.palisade.auth.UserStore;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.store.LimitsStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Users, teams and keys: the operations behind the admin API and the first-start bootstrap.
 * Every change runs the change hook (reloading the in-memory registries) before returning, so it
 * holds from the next request on. Thread-safe (changes are serialised; they are rare).
 */
public final class IdentityAdmin {
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final Pattern TEAM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final UserStore users;
    private final TeamStore teams;
    private final KeyStore keys;
    private final AuditStore audit;
    private final LimitsStore limits;
    private final LimitsCodec limitsCodec;
    private final Runnable changed;
    private final KeyTokens tokens;
    private final Clock clock;

    /**
     * {@code changed} runs after every change, before the change is answered: it publishes the
     * change (version bump for other replicas) and reloads this replica's in-memory registries.
     */
    public IdentityAdmin(
            UserStore users,
            TeamStore teams,
            KeyStore keys,
            AuditStore audit,
            LimitsStore limits,
            LimitsCodec limitsCodec,
            Runnable changed,
            KeyTokens tokens,
            Clock clock) {
        this.users = users;
        this.teams = teams;
        this.keys = keys;
        this.audit = audit;
        this.limits = limits;
        this.limitsCodec = limitsCodec;
        this.changed = changed;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A newly made key: the stored record and the secret token, which is never shown again. */
    public record IssuedKey(ApiKey key, String token) {}

    public synchronized User createUser(String email, String name, String team, UserStatus status, boolean admin) {
        if (email == null || !EMAIL.matcher(email).matches() || email.length() > 254) {
            throw invalid("'email' must be an email address", "email");
        }
        if (users.find(email).isPresent()) {
            throw new PalisadeException(
                    ErrorCode.CONFLICT, "a user with the email '" + email + "' already exists", "email");
        }
        String teamId = team == null ? null : team(team).id();
        User user = new User(
                tokens.newId("usr_"),
                email.trim(),
                name == null || name.isBlank() ? email.trim() : name.trim(),
                teamId,
                status,
                admin,
                clock.instant(),
                0);
        users.insert(user);
        changed.run();
        return user;
    }

    public List<User> users() {
        return users.all();
    }

    public User user(String idOrEmail) {
        return users.find(idOrEmail)
                .orElseThrow(() -> new PalisadeException(ErrorCode.NOT_FOUND, "no user '" + idOrEmail + "'"));
    }

    public synchronized User setStatus(String idOrEmail, UserStatus status) {
        User user = user(idOrEmail);
        users.updateStatus(user.id(), status);
        changed.run();
        return user(user.id());
    }

    public synchronized User setTeam(String idOrEmail, String team) {
        User user = user(idOrEmail);
        users.updateTeam(user.id(), team == null ? null : team(team).id());
        changed.run();
        return user(user.id());
    }

    /**
     * Deletes a user and their keys. Refused while the user has audit records that were never
     * exported, unless {@code force}: the audit of a person must not vanish unread. (The audit
     * rows themselves stay; the chain is append-only.)
     */
    public synchronized void deleteUser(String idOrEmail, boolean force) {
        User user = user(idOrEmail);
        checkRemovable(user, force);
        users.delete(user.id());
        changed.run();
    }

    /**
     * The user {@code idOrEmail} if they may be erased: the same conditions as {@link #deleteUser}
     * (not the last active administrator; audit exported, unless {@code force}).
     */
    public synchronized User erasable(String idOrEmail, boolean force) {
        User user = user(idOrEmail);
        checkRemovable(user, force);
        return user;
    }

    /**
     * Deletes the user {@code userId} and their keys, and replaces their email in the usage
     * records with their id: what of the person the identity tables held (their audit is erased
     * apart, see {@link UserErasure}).
     */
    public synchronized void eraseUser(String userId) {
        users.erase(userId);
        changed.run();
    }

    private void checkRemovable(User user, boolean force) {
        if (user.admin()
                && users.all().stream()
                                .filter(u -> u.admin() && u.status() == UserStatus.ACTIVE)
                                .count()
                        <= 1) {
            throw new PalisadeException(ErrorCode.CONFLICT, "cannot delete the last active administrator");
        }
        long lastSeq = audit.lastSeqOf(user.id());
        if (!force && lastSeq > user.auditExportedSeq()) {
            throw new PalisadeException(
                    ErrorCode.CONFLICT,
                    "user '" + user.email() + "' has audit records that were never exported;"
                            + " export them first (palisade audit export --user " + user.email()
                            + "), delete with export, or force");
        }
    }

    public void markExported(String userId, long throughSeq) {
        users.markExported(userId, throughSeq);
    }

    public synchronized Team createTeam(String name, List<String> allowedModels) {
        if (name == null || !TEAM_NAME.matcher(name).matches()) {
            throw invalid("'name' must be letters, digits, '.', '_' or '-' (at most 63)", "name");
        }
        if (teams.find(name).isPresent()) {
            throw new PalisadeException(ErrorCode.CONFLICT, "a team named '" + name + "' already exists", "name");
        }
        Team team = new Team(tokens.newId("team_"), name, checkedPatterns(allowedModels), clock.instant());
        teams.insert(team);
        changed.run();
        return team;
    }

    public List<Team> teams() {
        return teams.all();
    }

    public Team team(String idOrName) {
        return teams.find(idOrName)
                .orElseThrow(() -> new PalisadeException(ErrorCode.NOT_FOUND, "no team '" + idOrName + "'"));
    }

    public synchronized Team setTeamModels(String idOrName, List<String> allowedModels) {
        Team team = team(idOrName);
        teams.updateModels(team.id(), checkedPatterns(allowedModels));
        changed.run();
        return team(team.id());
    }

    public synchronized void deleteTeam(String idOrName) {
        Team team = team(idOrName);
        if (!teams.deleteIfUnused(team.id())) {
            throw new PalisadeException(
                    ErrorCode.CONFLICT, "team '" + team.name() + "' still has members or active keys");
        }
        changed.run();
    }

    /**
     * Issues a key for a user; {@code token} null makes a fresh one (non-null only for bootstrap).
     * {@code requestsPerMinute} (null: the configured default) becomes the key's
     * {@code requests_per_minute} limit in the limits store, the one place admission and
     * {@code limits show} read, so a later {@link #setLimits} replaces it like any other limit.
     */
    public synchronized IssuedKey createKey(
            String userIdOrEmail,
            String team,
            List<String> allowedModels,
            Integer requestsPerMinute,
            Instant expiresAt,
            String label,
            boolean admin,
            String token,
            List<String> fallbackModels) {
        if (requestsPerMinute != null && (requestsPerMinute < 0 || requestsPerMinute > 10_000_000)) {
            throw invalid("'requests_per_minute' must be between 0 (unlimited) and 10000000", "requests_per_minute");
        }
        String keyLimits = requestsPerMinute == null
                ? null
                : limitsCodec
                        .write(Limits.NONE.withRequestsPerMinute(requestsPerMinute))
                        .toString();
        return issueKey(userIdOrEmail, team, allowedModels, keyLimits, expiresAt, label, admin, token, fallbackModels);
    }

    private IssuedKey issueKey(
            String userIdOrEmail,
            String team,
            List<String> allowedModels,
            String keyLimits,
            Instant expiresAt,
            String label,
            boolean admin,
            String token,
            List<String> fallbackModels) {
        User user = user(userIdOrEmail);
        if (admin && !user.admin()) {
            throw invalid("only an administrator user can hold an admin key", "admin");
        }
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw invalid("'expires_at' must be in the future", "expires_at");
        }
        String keyId = tokens.newKeyId();
        String secret = token == null ? tokens.newToken(keyId) : token;
        String teamId = team == null ? user.teamId() : team(team).id();
        ApiKey key = new ApiKey(
                keyId,
                KeyTokens.hash(secret),
                user.id(),
                teamId,
                checkedPatterns(allowedModels),
                expiresAt,
                null,
                label == null ? "" : label,
                admin,
                clock.instant(),
                checkedFallbacks(fallbackModels));
        keys.insert(key, keyLimits);
        changed.run();
        return new IssuedKey(key, secret);
    }

    public List<ApiKey> keys() {
        return keys.all();
    }

    public ApiKey key(String id) {
        return keys.find(id).orElseThrow(() -> new PalisadeException(ErrorCode.NOT_FOUND, "no key '" + id + "'"));
    }

    /** Sets the models this key falls back to, in order (empty: the model's own fallbacks). */
    public synchronized ApiKey setKeyFallbacks(String id, List<String> fallbackModels) {
        ApiKey key = key(id);
        keys.updateFallbacks(key.id(), checkedFallbacks(fallbackModels));
        changed.run();
        return key(id);
    }

    private List<String> checkedFallbacks(List<String> fallbackModels) {
        if (fallbackModels.size() > 10) {
            throw invalid("at most 10 fallback models", "fallback_models");
        }
        for (int i = 0; i < fallbackModels.size(); i++) {
            String name = fallbackModels.get(i);
            if (name == null || name.isBlank() || name.length() > 200 || name.contains("*")) {
                throw invalid(
                        "'fallback_models[" + i + "]' must be a public model name (no patterns)",
                        "fallback_models[" + i + "]");
            }
        }
        return List.copyOf(fallbackModels);
    }

    public synchronized ApiKey revokeKey(String id) {
        ApiKey key = key(id);
        keys.revoke(key.id(), clock.instant());
        changed.run();
        return key(id);
    }

    /** Replaces a key by a new one with the same owner, grants and limits; the old one is revoked at once. */
    public synchronized IssuedKey rotateKey(String id) {
        ApiKey old = key(id);
        if (old.revokedAt() != null) {
            throw new PalisadeException(ErrorCode.CONFLICT, "key '" + id + "' is revoked; create a new key instead");
        }
        IssuedKey fresh = issueKey(
                old.userId(),
                old.teamId(),
                old.allowedModels(),
                limits.of(LimitsStore.Scope.KEY, old.id()),
                old.expiresAt(),
                old.label(),
                old.admin(),
                null,
                old.fallbackModels());
        revokeKey(old.id());
        return fresh;
    }

    /** Sets the limits of a key, user or team ({@link Limits#NONE} clears them). */
    public synchronized Limits setLimits(LimitsStore.Scope scope, String idOrName, Limits newLimits) {
        String id = switch (scope) {
            case KEY -> key(idOrName).id();
            case USER -> user(idOrName).id();
            case TEAM -> team(idOrName).id();
        };
        limits.set(
                scope,
                id,
                newLimits.isEmpty() ? null : limitsCodec.write(newLimits).toString());
        changed.run();
        return newLimits;
    }

    public boolean hasAdmin() {
        return users.all().stream().anyMatch(User::admin);
    }

    public boolean keyExists(String token) {
        String hash = KeyTokens.hash(token);
        return keys.all().stream().anyMatch(k -> k.secretHash().equals(hash));
    }

    private static List<String> checkedPatterns(List<String> patterns) {
        if (patterns == null) {
            return List.of();
        }
        for (int i = 0; i < patterns.size(); i++) {
            String problem = ModelGrants.validate(patterns.get(i));
            if (problem != null) {
                throw invalid(problem, "allowed_models[" + i + "]");
            }
        }
        return List.copyOf(patterns);
    }

    private static PalisadeException invalid(String message, String param) {
        return new PalisadeException(ErrorCode.INVALID_REQUEST, message, param);
    }
}
