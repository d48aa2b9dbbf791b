package io.palisade.assembly;

import io.palisade.audit.AuditStore;
import io.palisade.auth.KeyStore;
import io.palisade.auth.TeamStore;
import io.palisade.auth.UserStore;
import io.palisade.store.CanaryStateStore;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import io.palisade.store.EvalStore;
import io.palisade.store.IdentityVersionStore;
import io.palisade.store.InstanceStore;
import io.palisade.store.LimitsStore;
import io.palisade.store.StoreHealth;
import io.palisade.store.StoreUrl;
import io.palisade.store.UsageStore;
import java.nio.file.Path;

/**
 * The database (SQLite file or PostgreSQL pool, migrated on open) and one store per table group.
 * Opened first and closed last: every other assembly reads or writes through these stores.
 */
public final class StoreAssembly implements Assembly {
    private final String storeUrl;
    private final Database database;
    private final InstanceStore instances;
    private final UserStore users;
    private final TeamStore teams;
    private final KeyStore keys;
    private final AuditStore audit;
    private final LimitsStore limits;
    private final IdentityVersionStore identityVersions;
    private final UsageStore usage;
    private final CanaryStateStore canaryStates;
    private final EvalStore evals;
    private final StoreHealth health;

    public StoreAssembly(String storeUrl) {
        this.storeUrl = storeUrl;
        this.database = Database.open(storeUrl);
        this.users = new UserStore(database);
        this.teams = new TeamStore(database);
        this.keys = new KeyStore(database);
        this.audit = new AuditStore(database);
        this.limits = new LimitsStore(database);
        this.identityVersions = new IdentityVersionStore(database);
        this.usage = new UsageStore(database);
        this.canaryStates = new CanaryStateStore(database);
        this.evals = new EvalStore(database);
        this.health = new StoreHealth(database);
        this.instances = new InstanceStore(database);
    }

    /**
     * Where usage rows wait while the store fails: the data directory, that is the SQLite file's
     * directory, or {@code ./data} with PostgreSQL (each replica runs in its own working directory).
     */
    public Path usageSpool() {
        Path file = StoreUrl.parse(storeUrl).file();
        Path directory = file == null ? Path.of("data") : file.toAbsolutePath().getParent();
        return directory.resolve("usage-spool.jsonl");
    }

    public UserStore users() {
        return users;
    }

    public TeamStore teams() {
        return teams;
    }

    public KeyStore keys() {
        return keys;
    }

    /** The processes that used this store, with their heartbeats (charging what a dead one left open). */
    public InstanceStore instances() {
        return instances;
    }

    public Dialect dialect() {
        return database.dialect();
    }

    public AuditStore audit() {
        return audit;
    }

    public LimitsStore limits() {
        return limits;
    }

    public IdentityVersionStore identityVersions() {
        return identityVersions;
    }

    public UsageStore usage() {
        return usage;
    }

    public CanaryStateStore canaryStates() {
        return canaryStates;
    }

    public EvalStore evals() {
        return evals;
    }

    public StoreHealth health() {
        return health;
    }

    /** Whether the store takes writes (part of readiness). */
    public boolean ready() {
        return health.writable();
    }

    @Override
    public void close() {
        database.close();
    }
}
