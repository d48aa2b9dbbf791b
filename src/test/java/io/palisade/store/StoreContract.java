package io.palisade.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.TestStores;
import io.palisade.audit.AuditAppender;
import io.palisade.audit.AuditEvent;
import io.palisade.audit.AuditStore;
import io.palisade.audit.AuditVerifier;
import io.palisade.audit.HashChain;
import io.palisade.auth.ApiKey;
import io.palisade.auth.KeyStore;
import io.palisade.auth.Team;
import io.palisade.auth.TeamStore;
import io.palisade.auth.User;
import io.palisade.auth.UserStatus;
import io.palisade.auth.UserStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every store must do, whatever its dialect: one suite, run by a subclass per dialect on a
 * fresh, empty store for each test.
 */
abstract class StoreContract {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    /** The store under test, open for each test. */
    Database database;

    private UserStore users;
    private TeamStore teams;
    private KeyStore keys;
    private AuditStore audit;

    protected abstract Dialect dialect();

    @BeforeEach
    void openStore() {
        database = Database.open(TestStores.newUrl(dialect(), dir));
        users = new UserStore(database);
        teams = new TeamStore(database);
        keys = new KeyStore(database);
        audit = new AuditStore(database);
    }

    @AfterEach
    void closeStore() {
        database.close();
    }

    @Test
    void canaryStatesAreUpsertedAndCleared() {
        CanaryStateStore states = new CanaryStateStore(database);
        states.set(new CanaryStateStore.Row("chat", "gpu3/llama", "ROLLED_BACK", "error rate", T0, "palisade"));
        states.set(new CanaryStateStore.Row(
                "chat", "gpu3/llama", "PROMOTED", "eval passed", T0.plusSeconds(60), "ops@example.com"));
        states.set(new CanaryStateStore.Row("Qwen/Qwen3", "vllm/Qwen/Qwen3", "ROLLED_BACK", "", T0, "palisade"));
        assertThat(states.all())
                .containsExactly(
                        new CanaryStateStore.Row("Qwen/Qwen3", "vllm/Qwen/Qwen3", "ROLLED_BACK", "", T0, "palisade"),
                        new CanaryStateStore.Row(
                                "chat",
                                "gpu3/llama",
                                "PROMOTED",
                                "eval passed",
                                T0.plusSeconds(60),
                                "ops@example.com"));
        states.clear("chat", "gpu3/llama");
        assertThat(states.all()).extracting(CanaryStateStore.Row::model).containsExactly("Qwen/Qwen3");
    }

    /** A batch larger than one usage transaction is stored whole, the connection is usable afterwards, and rows written twice count once. */
    @Test
    void aUsageBatchSpanningSeveralTransactionsIsStoredWhole() {
        UsageStore usage = new UsageStore(database);
        List<UsageStore.UsageEvent> batch = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            batch.add(new UsageStore.UsageEvent(
                    T0.toString(),
                    "2026-11-23",
                    "req-" + i,
                    "u1",
                    "a@example.com",
                    "ml",
                    "k1",
                    "chat",
                    10,
                    5,
                    2,
                    false,
                    null));
        }
        usage.insert(batch);
        usage.insert(batch.subList(
                0, 300)); // written again, as a retry after an ambiguous commit would: each row counts once
        usage.insert(List.of(new UsageStore.UsageEvent(
                T0.toString(),
                "2026-11-23",
                "req-600",
                "u1",
                "a@example.com",
                "ml",
                "k1",
                "chat",
                10,
                5,
                2,
                false,
                null)));
        assertThat(usage.report(List.of("team"), null, null)).singleElement().satisfies(row -> {
            assertThat(row.requests()).isEqualTo(601);
            assertThat(row.promptTokens()).isEqualTo(6_010);
            assertThat(row.costMicros()).isEqualTo(1_202);
        });
    }

    /**
     * Issue 17: a store a newer release migrated (a rollback after an upgrade) is refused with a
     * clear error instead of being run on silently (Flyway's default ignores "future" migrations),
     * and {@link Database#schemaStatus} reports it without changing the store.
     */
    @Test
    void aStoreMigratedPastThisReleaseIsRefused() throws Exception {
        String url = TestStores.newUrl(dialect(), dir);
        Database.open(url).close();
        SchemaStatus current = Database.schemaStatus(url);
        assertThat(current.compatible()).isTrue();
        assertThat(current.storeNumber()).isEqualByComparingTo(current.releaseNumber());
        int future = current.releaseNumber().intValueExact() + 1;
        FutureMigration.applyTo(url, future);

        assertThatThrownBy(() -> Database.open(url).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema is at version " + future)
                .hasMessageContaining("newer than this release's (" + current.releaseNumber() + ")");
        SchemaStatus after = Database.schemaStatus(url);
        assertThat(after.compatible()).isFalse();
        assertThat(after.storeNumber().intValueExact()).isEqualTo(future);
        assertThat(after.releaseNumber()).isEqualByComparingTo(current.releaseNumber());
    }

    /**
     * Issue 15, item 5: migration V8 moves each key's creation flag (the old requests_per_minute
     * column, which won over the limits when enforced) into its limits, so what was enforced stays
     * enforced and the limits are its only home.
     */
    @Test
    void migrationEightMovesTheCreationFlagIntoTheKeysLimits() throws Exception {
        String url = TestStores.newUrl(dialect(), dir);
        StoreUrl parsed = StoreUrl.parse(url);
        Flyway.configure()
                .dataSource(parsed.jdbcUrl(), parsed.user(), parsed.password())
                .locations(dialect().migrations())
                .target("5")
                .load()
                .migrate();
        try (Connection connection = DriverManager.getConnection(parsed.jdbcUrl(), parsed.user(), parsed.password());
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "INSERT INTO users (id, email, name, status, created_at) VALUES ('u1', 'a@example.com', 'A', 'active', '"
                            + T0 + "')");
            statement.execute(
                    "INSERT INTO api_keys (id, secret_hash, user_id, requests_per_minute, limits, created_at) VALUES"
                            + " ('k_flag', 'h1', 'u1', 0, NULL, '" + T0 + "'),"
                            + " ('k_both', 'h2', 'u1', 10, '{\"requests_per_minute\":50,\"tokens_per_minute\":900}', '"
                            + T0 + "'),"
                            + " ('k_limits', 'h3', 'u1', NULL, '{\"max_concurrent\":2}', '" + T0 + "'),"
                            + " ('k_none', 'h4', 'u1', NULL, NULL, '" + T0 + "')");
        }
        Database migrated = Database.open(url);
        try {
            LimitsStore limits = new LimitsStore(migrated);
            ObjectMapper json = new ObjectMapper();
            assertThat(json.readTree(limits.of(LimitsStore.Scope.KEY, "k_flag")))
                    .isEqualTo(json.readTree("{\"requests_per_minute\":0}"));
            assertThat(json.readTree(limits.of(LimitsStore.Scope.KEY, "k_both")))
                    .isEqualTo(json.readTree("{\"requests_per_minute\":10,\"tokens_per_minute\":900}"));
            assertThat(json.readTree(limits.of(LimitsStore.Scope.KEY, "k_limits")))
                    .isEqualTo(json.readTree("{\"max_concurrent\":2}"));
            assertThat(limits.of(LimitsStore.Scope.KEY, "k_none")).isNull();
            assertThat(new KeyStore(migrated).all()).hasSize(4);
        } finally {
            migrated.close();
        }
    }

    @Test
    void theStoreHasTheDialectItsUrlNames() {
        assertThat(database.dialect()).isEqualTo(dialect());
    }

    @Test
    void bothMigrationsRunAndTheDatabaseNumbersUsageRows() throws SQLException {
        try (Connection connection = database.connect()) {
            for (int i = 0; i < 2; i++) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO usage_events (at, day, request_id, user_id, prompt_tokens, completion_tokens, cost_micros, refused)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, T0.toString());
                    insert.setString(2, "2026-11-23");
                    insert.setString(3, "req-" + i);
                    insert.setString(4, "usr_1");
                    insert.setLong(5, 10);
                    insert.setLong(6, 20);
                    insert.setLong(7, 5_000_000_000L);
                    insert.setInt(8, 0);
                    insert.executeUpdate();
                }
            }
            assertThat(longs(connection, "SELECT id FROM usage_events ORDER BY id"))
                    .hasSize(2)
                    .doesNotHaveDuplicates();
            assertThat(longs(connection, "SELECT cost_micros FROM usage_events"))
                    .containsOnly(5_000_000_000L);
            assertThat(longs(connection, "SELECT version FROM identity_version WHERE id = 1"))
                    .containsExactly(0L);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE users SET limits = '{}'");
                statement.executeUpdate("UPDATE teams SET limits = '{}'");
                statement.executeUpdate("UPDATE api_keys SET limits = '{}'");
            }
        }
    }

    @Test
    void usersRoundTripAndSortBytewiseByEmail() {
        users.insert(user("usr_b", "bea@example.com", null));
        users.insert(user("usr_z", "Zed@example.com", null));
        users.insert(user("usr_a", "adam@example.com", null));

        assertThat(users.all())
                .extracting(User::email)
                .containsExactly("Zed@example.com", "adam@example.com", "bea@example.com");
        User found = users.find("ZED@example.com").orElseThrow();
        assertThat(found).isEqualTo(user("usr_z", "Zed@example.com", null));
        assertThat(users.find("usr_a")).isPresent();
        assertThat(users.find("nobody")).isEmpty();
    }

    @Test
    void aSecondUserWithTheSameEmailIsRefused() {
        users.insert(user("usr_1", "dup@example.com", null));
        assertThatThrownBy(() -> users.insert(user("usr_2", "dup@example.com", null)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("dup@example.com");
        assertThat(users.all()).hasSize(1);
    }

    @Test
    void userUpdatesAndTheExportMarkOnlyMovesForward() {
        teams.insert(new Team("tm_1", "research", List.of("qwen*"), T0));
        users.insert(user("usr_1", "a@example.com", null));

        users.updateStatus("usr_1", UserStatus.DISABLED);
        users.updateTeam("usr_1", "tm_1");
        users.markExported("usr_1", 10);
        users.markExported("usr_1", 5);
        User updated = users.find("usr_1").orElseThrow();
        assertThat(updated.status()).isEqualTo(UserStatus.DISABLED);
        assertThat(updated.teamId()).isEqualTo("tm_1");
        assertThat(updated.auditExportedSeq()).isEqualTo(10);
        users.markExported("usr_1", 12);
        assertThat(users.find("usr_1").orElseThrow().auditExportedSeq()).isEqualTo(12);
    }

    @Test
    void deletingAUserDeletesTheirKeysAndNothingElse() {
        users.insert(user("usr_1", "a@example.com", null));
        users.insert(user("usr_2", "b@example.com", null));
        keys.insert(key("key_1", "usr_1", null, T0), null);
        keys.insert(key("key_2", "usr_2", null, T0), null);

        users.delete("usr_1");

        assertThat(users.all()).extracting(User::id).containsExactly("usr_2");
        assertThat(keys.all()).extracting(ApiKey::id).containsExactly("key_2");
    }

    @Test
    void teamsRoundTripSortBytewiseAndAreDeletedOnlyWhenUnused() {
        teams.insert(new Team("tm_b", "beta", List.of(), T0));
        teams.insert(new Team("tm_a", "alpha", List.of("llama*"), T0));
        teams.insert(new Team("tm_c", "Alpha", List.of(), T0));
        assertThat(teams.all()).extracting(Team::name).containsExactly("Alpha", "alpha", "beta");

        teams.updateModels("tm_a", List.of("qwen3:0.6b", "llama*"));
        assertThat(teams.find("alpha").orElseThrow().allowedModels()).containsExactly("qwen3:0.6b", "llama*");

        users.insert(user("usr_1", "a@example.com", "tm_b"));
        assertThat(teams.deleteIfUnused("tm_b")).isFalse();
        users.updateTeam("usr_1", null);
        assertThat(teams.deleteIfUnused("tm_b")).isTrue();
        assertThat(teams.find("tm_b")).isEmpty();
    }

    @Test
    void keysRoundTripAndARevocationHoldsItsFirstTime() {
        users.insert(user("usr_1", "a@example.com", null));
        ApiKey unlimited = key("key_b", "usr_1", null, T0);
        ApiKey limited = new ApiKey(
                "key_a",
                "hash-a",
                "usr_1",
                null,
                List.of("qwen*"),
                T0.plusSeconds(3600),
                null,
                "ci",
                true,
                T0,
                List.of("small", "tiny"));
        keys.insert(unlimited, null);
        keys.insert(limited, "{\"requests_per_minute\":30}");
        assertThat(keys.all()).containsExactly(limited, unlimited);

        keys.revoke("key_a", T0.plusSeconds(60));
        keys.revoke("key_a", T0.plusSeconds(120));
        assertThat(keys.find("key_a").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(keys.find("key_b").orElseThrow().revokedAt()).isNull();
    }

    @Test
    void appendsChainOntoTheStoredTailAndReadBackInOrder() throws SQLException {
        try (AuditAppender appender = audit.appender()) {
            assertThat(lastAuditRow()).isNull();
            List<AuditEvent> first =
                    appender.append(List.of(event("r1", "usr_1", T0), event("r2", "usr_2", T0.plusSeconds(10))));
            assertThat(first).extracting(AuditEvent::seq).containsExactly(1L, 2L);
            assertThat(first.get(0).prevHash()).isEqualTo(HashChain.GENESIS);
            assertThat(first.get(1).prevHash()).isEqualTo(first.get(0).hash());

            List<AuditEvent> second = appender.append(List.of(event("r3", "usr_1", T0.plusSeconds(20))));
            assertThat(second.get(0).seq()).isEqualTo(3);
            assertThat(second.get(0).prevHash()).isEqualTo(first.get(1).hash());
            assertThat(lastAuditRow()).isEqualTo(second.get(0));
        }

        List<AuditEvent> all = new ArrayList<>();
        audit.scan(all::add);
        assertThat(all).extracting(AuditEvent::requestId).containsExactly("r1", "r2", "r3");
        List<AuditStore.Record> ofUser = new ArrayList<>();
        audit.forEachRecord(
                new AuditFilter(
                        "usr_1",
                        null,
                        null,
                        null,
                        null,
                        T0.toString(),
                        T0.plusSeconds(20).toString()),
                3,
                ofUser::add);
        assertThat(ofUser).extracting(r -> r.head().requestId()).containsExactly("r1");
        List<AuditStore.Record> since = new ArrayList<>();
        audit.forEachRecord(
                new AuditFilter(null, null, null, null, null, T0.plusSeconds(10).toString(), null), 3, since::add);
        assertThat(since).extracting(r -> r.head().requestId()).containsExactly("r2", "r3");
        assertThat(audit.lastSeqOf("usr_1")).isEqualTo(3);
        assertThat(audit.lastSeqOf("nobody")).isZero();

        AuditVerifier.Result verified = new AuditVerifier(audit).verify();
        assertThat(verified.intact()).isTrue();
        assertThat(verified.records()).isEqualTo(3);
    }

    @Test
    void appendersTakingTurnsEachLinkToWhatTheOtherCommitted() throws SQLException {
        try (AuditAppender one = audit.appender();
                AuditAppender two = audit.appender()) {
            one.append(List.of(event("r1", "usr_1", T0)));
            two.append(List.of(event("r2", "usr_1", T0), event("r3", "usr_2", T0)));
            List<AuditEvent> last = one.append(List.of(event("r4", "usr_1", T0)));
            assertThat(last.get(0).seq()).isEqualTo(4);
        }
        List<AuditEvent> all = new ArrayList<>();
        audit.scan(all::add);
        assertThat(all).extracting(AuditEvent::requestId).containsExactly("r1", "r2", "r3", "r4");
        assertThat(new AuditVerifier(audit).verify().intact()).isTrue();
    }

    @Test
    void aFailedAppendStoresNothingAndTheConnectionStaysUsable() throws SQLException {
        try (AuditAppender appender = audit.appender()) {
            appender.append(List.of(event("r1", "usr_1", T0)));
            AuditEvent broken = new AuditEvent(0, null, AuditEvent.STARTED, T0.toString(), null, "{}", "", "");
            assertThatThrownBy(() -> appender.append(List.of(event("r2", "usr_1", T0), broken)))
                    .isInstanceOf(SQLException.class);

            List<AuditEvent> after = appender.append(List.of(event("r3", "usr_1", T0)));
            assertThat(after.get(0).seq()).isEqualTo(2);
        }
        List<AuditEvent> all = new ArrayList<>();
        audit.scan(all::add);
        assertThat(all).extracting(AuditEvent::requestId).containsExactly("r1", "r3");
        assertThat(new AuditVerifier(audit).verify().intact()).isTrue();
    }

    @Test
    void aLongChainStreamsInOrder() throws SQLException {
        try (AuditAppender appender = audit.appender()) {
            for (int batch = 0; batch < 5; batch++) {
                List<AuditEvent> events = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    events.add(event("r" + batch + "-" + i, "usr_1", T0));
                }
                appender.append(events);
            }
        }
        AuditVerifier.Result verified = new AuditVerifier(audit).verify();
        assertThat(verified.intact()).isTrue();
        assertThat(verified.records()).isEqualTo(1500);
    }

    private AuditEvent lastAuditRow() {
        List<AuditEvent> all = new ArrayList<>();
        audit.scan(all::add);
        return all.isEmpty() ? null : all.getLast();
    }

    private static User user(String id, String email, String teamId) {
        return new User(id, email, "Name of " + id, teamId, UserStatus.ACTIVE, false, T0, 0);
    }

    private static ApiKey key(String id, String userId, String teamId, Instant createdAt) {
        return new ApiKey(id, "hash-" + id, userId, teamId, List.of(), null, null, "", false, createdAt, List.of());
    }

    private static AuditEvent event(String requestId, String userId, Instant at) {
        return new AuditEvent(
                0, requestId, AuditEvent.STARTED, at.toString(), userId, "{\"r\":\"" + requestId + "\"}", "", "");
    }

    private static List<Long> longs(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<Long> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getLong(1));
            }
            return values;
        }
    }
}
