package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.auth.ApiKey;
import io.palisade.auth.Caller;
import io.palisade.auth.KeyStore;
import io.palisade.auth.ModelGrants;
import io.palisade.auth.Team;
import io.palisade.auth.TeamStore;
import io.palisade.auth.User;
import io.palisade.auth.UserStatus;
import io.palisade.auth.UserStore;
import io.palisade.config.LimitsConfig;
import io.palisade.store.Database;
import io.palisade.store.LimitsStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller's scopes are built once and kept while current: a new limits snapshot or a new caller
 * (each reload makes both) rebuilds them, and their claims name the limits exactly as refusals always have.
 */
class CallerScopesTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

    @TempDir
    Path dir;

    private Database database;
    private LimitsStore limitsStore;
    private LimitsRegistry registry;
    private CallerScopes scopes;
    private final Team team = new Team("t1", "ml", List.of(), T0);
    private final User user = new User("u1", "ana@example.com", "Ana", null, UserStatus.ACTIVE, false, T0, 0);
    private final ApiKey key =
            new ApiKey("k1", "hash", "u1", null, List.of("llama*"), null, null, "test", false, T0, List.of());

    @BeforeEach
    void openStore() {
        database = Database.open("sqlite:" + dir.resolve("store.db"));
        new TeamStore(database).insert(team);
        new UserStore(database).insert(user);
        new KeyStore(database).insert(key, null);
        limitsStore = new LimitsStore(database);
        registry = new LimitsRegistry(
                limitsStore,
                new LimitsCodec(new ObjectMapper()),
                new LimitsConfig(
                        120, 0, 0, 0, 0, false, 1024, LimitsConfig.TokensCounted.TOTAL, null, false, List.of()));
        registry.reload();
        scopes = new CallerScopes(registry);
    }

    @AfterEach
    void closeStore() {
        database.close();
    }

    @Test
    void scopesAreKeptUntilTheLimitsChange() {
        Caller caller = caller(key, null);
        List<ScopeLimits> first = scopes.of(caller);
        assertThat(first).extracting(ScopeLimits::name).containsExactly("key k1", "user ana@example.com");
        assertThat(scopes.of(caller)).as("kept").isSameAs(first);
        assertThat(first.get(0).requestsClaim())
                .isEqualTo(new Claim(
                        Claim.Kind.RATE,
                        Claim.Measure.REQUESTS,
                        "key:k1:rpm",
                        120,
                        1,
                        0,
                        "key k1: 120 requests per minute"));
        assertThat(first.get(0).requestsLimitHeader()).isEqualTo("120");
        assertThat(first.get(1).requestsClaim()).isNull();

        limitsStore.set(
                LimitsStore.Scope.USER,
                "u1",
                "{\"requests_per_minute\":3,\"tokens_per_minute\":900,\"max_concurrent\":2,"
                        + "\"models\":{\"llama*\":{\"tokens_per_minute\":50}}}");
        registry.reload();
        ScopeLimits userScope = scopes.of(caller).get(1);
        assertThat(userScope.requestsClaim())
                .isEqualTo(new Claim(
                        Claim.Kind.RATE,
                        Claim.Measure.REQUESTS,
                        "user:u1:rpm",
                        3,
                        1,
                        0,
                        "user ana@example.com: 3 requests per minute"));
        assertThat(userScope.tokensClaim(40))
                .isEqualTo(new Claim(
                        Claim.Kind.RATE,
                        Claim.Measure.TOKENS,
                        "user:u1:tpm",
                        900,
                        40,
                        0,
                        "user ana@example.com: 900 tokens per minute"));
        assertThat(userScope.tokensLimitHeader()).isEqualTo("900");
        assertThat(userScope.concurrencyClaim(5_000))
                .isEqualTo(new Claim(
                        Claim.Kind.CONCURRENCY,
                        Claim.Measure.REQUESTS,
                        "user:u1:concurrent",
                        2,
                        1,
                        5_000,
                        "user ana@example.com: 2 requests at once"));
        assertThat(userScope.modelScopes()).singleElement().satisfies(model -> {
            assertThat(model.modelPattern()).isEqualTo("llama*");
            assertThat(model.isKey()).isFalse();
            assertThat(model.tokensClaim(40))
                    .isEqualTo(new Claim(
                            Claim.Kind.RATE,
                            Claim.Measure.TOKENS,
                            "user:u1:model:llama*:tpm",
                            50,
                            40,
                            0,
                            "user ana@example.com for llama*: 50 tokens per minute"));
        });
    }

    @Test
    void aNewCallerForTheSameKeyRebuildsItsScopes() {
        List<ScopeLimits> alone = scopes.of(caller(key, null));
        ApiKey relabelled =
                new ApiKey("k1", "hash", "u1", null, List.of("llama*"), null, null, "relabelled", false, T0, List.of());
        List<ScopeLimits> inTeam = scopes.of(caller(relabelled, team));
        assertThat(inTeam)
                .isNotSameAs(alone)
                .extracting(ScopeLimits::name)
                .containsExactly("key k1", "user ana@example.com", "team ml");
        assertThat(inTeam.get(0).isKey()).isTrue();
        assertThat(inTeam.get(0).requestsClaim().describe()).isEqualTo("key k1: 120 requests per minute");
        assertThat(inTeam.get(0).requestsLimitHeader()).isEqualTo("120");
        assertThat(inTeam.get(2).key()).isEqualTo("team:t1");
        assertThat(inTeam.get(2).usageValue()).isEqualTo("ml");
    }

    /** Keys come and go (deleted, rotated): however many distinct keys call, the scopes kept stay bounded. */
    @Test
    void manyDistinctKeysKeepTheCacheBounded() {
        CallerScopes bounded = new CallerScopes(registry, 50);
        int largest = 0;
        for (int i = 0; i < 1_000; i++) {
            ApiKey each = new ApiKey(
                    "k" + i, "hash", "u1", null, List.of("llama*"), null, null, "test", false, T0, List.of());
            assertThat(bounded.of(caller(each, null)).get(0).key()).isEqualTo("key:k" + i);
            largest = Math.max(largest, bounded.size());
        }
        assertThat(largest).isLessThanOrEqualTo(50);
        ApiKey last =
                new ApiKey("k999", "hash", "u1", null, List.of("llama*"), null, null, "test", false, T0, List.of());
        Caller caller = caller(last, null);
        assertThat(bounded.of(caller))
                .as("a key still in use is kept after a reset")
                .isSameAs(bounded.of(caller));
    }

    private static Caller caller(ApiKey key, Team team) {
        return new Caller(
                key,
                new User(
                        "u1",
                        "ana@example.com",
                        "Ana",
                        team == null ? null : team.id(),
                        UserStatus.ACTIVE,
                        false,
                        T0,
                        0),
                team,
                ModelGrants.of(key.allowedModels()));
    }
}
