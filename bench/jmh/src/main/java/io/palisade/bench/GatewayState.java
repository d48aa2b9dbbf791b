package io.palisade.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.admin.IdentityAdmin;
import io.palisade.admission.AdmissionControl;
import io.palisade.admission.LimitsCodec;
import io.palisade.admission.LimitsRegistry;
import io.palisade.admission.LocalCounters;
import io.palisade.admission.TokenEstimator;
import io.palisade.admission.UsageRecorder;
import io.palisade.audit.AuditTrail;
import io.palisade.audit.AuditWriter;
import io.palisade.auth.KeyRegistry;
import io.palisade.auth.KeyTokens;
import io.palisade.auth.UserStatus;
import io.palisade.config.LimitsConfig;
import io.palisade.audit.AuditStore;
import io.palisade.store.Database;
import io.palisade.auth.KeyStore;
import io.palisade.store.LimitsStore;
import io.palisade.auth.TeamStore;
import io.palisade.store.UsageStore;
import io.palisade.auth.UserStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The gateway's hot-path objects wired as {@code Palisade.start} wires them, over a throw-away
 * SQLite store holding one user with one key granted "bench-*" and limits high enough never to
 * refuse (but enforced: every admission reserves and settles against them).
 */
final class GatewayState implements AutoCloseable {
    final ObjectMapper json = new ObjectMapper();
    final Path dir;
    final Database database;
    final KeyRegistry registry;
    final String token;
    final AdmissionControl admission;
    final AuditWriter auditWriter;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    final AuditTrail audit;
    final UsageRecorder usageRecorder;

    GatewayState() throws Exception {
        dir = Files.createTempDirectory("palisade-jmh");
        database = Database.open("sqlite:" + dir.resolve("bench.db"));
        Clock clock = Clock.systemUTC();
        UserStore users = new UserStore(database);
        TeamStore teams = new TeamStore(database);
        KeyStore keys = new KeyStore(database);
        AuditStore auditStore = new AuditStore(database);
        LimitsCodec codec = new LimitsCodec(json);
        LimitsStore limitsStore = new LimitsStore(database);
        LimitsConfig limitsConfig =
                new LimitsConfig(10_000_000, 0, 0, 8192, 4096, false, 1024, LimitsConfig.TokensCounted.TOTAL, null, false, List.of());
        LimitsRegistry limits = new LimitsRegistry(limitsStore, codec, limitsConfig);
        registry = new KeyRegistry(keys, users, teams, clock);
        IdentityAdmin identities = new IdentityAdmin(users, teams, keys, auditStore, limitsStore, codec, () -> {
            registry.reload();
            limits.reload();
        }, new KeyTokens(new SecureRandom()), clock);
        identities.createUser("bench@example.com", "Bench", null, UserStatus.ACTIVE, false);
        IdentityAdmin.IssuedKey issued = identities.createKey("bench@example.com", null, List.of("bench-*"), 10_000_000, null, "bench", false, null,
                List.of());
        token = issued.token();
        limitsStore.set(LimitsStore.Scope.KEY, issued.key().id(),
                "{\"tokens_per_minute\": 2000000000, \"max_concurrent\": 100000, \"budgets\": [{\"period\": \"day\", \"tokens\": 900000000000}]}");
        registry.reload();
        limits.reload();
        usageRecorder = new UsageRecorder(new UsageStore(database), dir.resolve("usage.spool"));
        admission = new AdmissionControl(new LocalCounters(), limits, limitsConfig,
                new TokenEstimator(), new UsageStore(database), usageRecorder, clock);
        auditWriter = new AuditWriter(auditStore, 256, AuditWriter.CommitObserver.NONE, watchdog);
        audit = new AuditTrail(auditWriter, clock, json);
    }

    @Override
    public void close() throws Exception {
        auditWriter.close();
        watchdog.shutdownNow();
        usageRecorder.close();
        database.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
