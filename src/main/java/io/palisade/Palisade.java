package io.palisade;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.admin.AdminBootstrap;
import io.palisade.admin.AdminRoutes;
import io.palisade.admin.IdentityAdmin;
import io.palisade.admin.IdentityReloader;
import io.palisade.admission.AbandonedReservations;
import io.palisade.admission.AdmissionControl;
import io.palisade.admission.Counters;
import io.palisade.admission.LimitsCodec;
import io.palisade.admission.LimitsRegistry;
import io.palisade.admission.LocalCounters;
import io.palisade.admission.PolicyDecisionPoint;
import io.palisade.admission.RedisCounters;
import io.palisade.admission.TokenEstimator;
import io.palisade.admission.UsageRecorder;
import io.palisade.api.openai.OpenAiRoutes;
import io.palisade.audit.AuditRecords;
import io.palisade.audit.AuditTrail;
import io.palisade.audit.AuditVerifier;
import io.palisade.audit.AuditWriter;
import io.palisade.audit.CheckpointKey;
import io.palisade.audit.CheckpointWriter;
import io.palisade.audit.ContentCapture;
import io.palisade.audit.OpenRequests;
import io.palisade.auth.KeyRegistry;
import io.palisade.auth.KeyTokens;
import io.palisade.admin.ModelRoutes;
import io.palisade.config.AuditConfig;
import io.palisade.config.ConfigSource;
import io.palisade.config.PalisadeConfig;
import io.palisade.lifecycle.CanaryJudge;
import io.palisade.lifecycle.CanaryStates;
import io.palisade.lifecycle.ConfigReloader;
import io.palisade.lifecycle.GgufDigests;
import io.palisade.lifecycle.ModelLifecycle;
import io.palisade.lifecycle.PinMonitor;
import io.palisade.lifecycle.PinVerifier;
import io.palisade.metrics.LifecycleMetrics;
import io.palisade.routing.Failover;
import io.palisade.routing.Router;
import io.palisade.store.CanaryStateStore;
import io.palisade.upstream.BackendFactory;
import java.util.List;
import io.palisade.routing.ModelCatalog;
import io.palisade.metrics.GatewayMetrics;
import io.palisade.metrics.MetricsAccess;
import io.palisade.metrics.MetricsEndpoint;
import io.palisade.admin.EvalIdentity;
import io.palisade.admin.EvalRoutes;
import io.palisade.eval.EvalService;
import io.palisade.eval.HttpEvalGateway;
import io.palisade.routing.ModelFamilies;
import io.palisade.server.Exchanges;
import io.palisade.store.EvalStore;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import io.palisade.tracing.OpenTelemetrySpans;
import io.palisade.tracing.SpanExporter;
import io.palisade.server.RequestLog;
import io.palisade.server.GatewayServer;
import io.palisade.server.JsonBodyReader;
import io.palisade.store.AuditStore;
import io.palisade.store.Database;
import io.palisade.store.Dialect;
import io.palisade.store.InstanceStore;
import io.palisade.store.StoreHealth;
import io.palisade.store.StoreUrl;
import io.palisade.store.IdentityVersionStore;
import io.palisade.store.LimitsStore;
import io.palisade.store.UsageStore;
import io.palisade.store.KeyStore;
import io.palisade.store.TeamStore;
import io.palisade.store.UserStore;
import io.palisade.upstream.Backend;
import io.palisade.upstream.BackendHealth;
import io.palisade.upstream.BackgroundChecks;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A running gateway. This is the one place the object graph is built, by hand, from a validated
 * config: store, identity, audit, backends, catalog, policy, routes, listener. Tests build it the
 * same way ({@code Palisade.start(config, clock)}) on a random port and a temporary SQLite file or
 * PostgreSQL database.
 */
public final class Palisade implements AutoCloseable {
    private final GatewayServer server;
    private final AuditWriter auditWriter;
    private final UsageRecorder usageRecorder;
    private final Counters counters;
    private final List<ScheduledExecutorService> schedulers;
    private final ScheduledThreadPoolExecutor deadlines;
    private final SpanExporter spanExporter;
    private final Database database;
    private final Optional<String> bootstrapAdminKey;
    private final ConfigReloader reloader;
    private final BackgroundChecks checks;
    private final BooleanSupplier firstChecksDone;
    private final CheckpointWriter checkpoints;
    private final AbandonedReservations abandoned;

    private Palisade(GatewayServer server, AuditWriter auditWriter, UsageRecorder usageRecorder, Counters counters,
            List<ScheduledExecutorService> schedulers, ScheduledThreadPoolExecutor deadlines, Database database, SpanExporter spanExporter,
            Optional<String> bootstrapAdminKey, ConfigReloader reloader, BackgroundChecks checks, BooleanSupplier firstChecksDone,
            CheckpointWriter checkpoints, AbandonedReservations abandoned) {
        this.reloader = reloader;
        this.checks = checks;
        this.firstChecksDone = firstChecksDone;
        this.checkpoints = checkpoints;
        this.abandoned = abandoned;
        this.spanExporter = spanExporter;
        this.server = server;
        this.auditWriter = auditWriter;
        this.usageRecorder = usageRecorder;
        this.counters = counters;
        this.schedulers = schedulers;
        this.deadlines = deadlines;
        this.database = database;
        this.bootstrapAdminKey = bootstrapAdminKey;
    }

    /**
     * Where usage rows wait while the store fails: the data directory, that is the SQLite file's
     * directory, or {@code ./data} with PostgreSQL (each replica runs in its own working directory).
     */
    private static Path usageSpool(String storeUrl) {
        Path file = StoreUrl.parse(storeUrl).file();
        Path directory = file == null ? Path.of("data") : file.toAbsolutePath().getParent();
        return directory.resolve("usage-spool.jsonl");
    }

    public static Palisade start(PalisadeConfig config, Clock clock) {
        return start(ConfigSource.fixed(config), config, clock);
    }

    /** Starts from {@code source}, which is read again on reload; {@code config} is its first load. */
    public static Palisade start(ConfigSource source, PalisadeConfig config, Clock clock) {
        // Requests run on fresh virtual threads, so Jackson's default thread-local buffer recycling
        // never recycles; a shared pool does (it was ~15 % of the gateway's allocations).
        ObjectMapper json = new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build());
        AtomicReference<PalisadeConfig> current = new AtomicReference<>(config);
        Database database = Database.open(config.storeUrl());
        UserStore users = new UserStore(database);
        TeamStore teams = new TeamStore(database);
        KeyStore keys = new KeyStore(database);
        AuditStore auditStore = new AuditStore(database);
        KeyRegistry registry = new KeyRegistry(keys, users, teams, clock);
        LimitsCodec limitsCodec = new LimitsCodec(json);
        LimitsStore limitsStore = new LimitsStore(database);
        LimitsRegistry limitsRegistry = new LimitsRegistry(limitsStore, limitsCodec, config.limits());
        IdentityVersionStore versions = new IdentityVersionStore(database);
        IdentityReloader reloader = new IdentityReloader(versions, registry, limitsRegistry);
        reloader.reload();
        IdentityAdmin identities = new IdentityAdmin(users, teams, keys, auditStore, limitsStore, limitsCodec,
                reloader::publishChange, new KeyTokens(new SecureRandom()), clock);
        Optional<String> bootstrapAdminKey = new AdminBootstrap(identities).ensureAdmin(config.adminKey());

        // The identity poll, the canary-phase poll and the canary judge: work that reads and writes
        // the store, and may wait on it (a rollback waits up to 10 s for its audit commit).
        ScheduledExecutorService background = Executors.newScheduledThreadPool(1,
                Thread.ofPlatform().name("palisade-background").daemon(true).factory());
        // The watchdog: backend exchanges' deadlines, the idle-connection sweeps and the audit writer's
        // watch for overdue commits. Its tasks only close sockets and fail futures, and nothing that
        // waits runs here, so a deadline fires on time however long the store keeps
        // "palisade-background" (or the audit writer) waiting.
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("palisade-deadlines").daemon(true).factory());
        // Every backend exchange arms its deadline here and cancels it when done; without this a
        // cancelled deadline (and the answer it holds) would stay queued until its time, 10 min by default.
        deadlines.setRemoveOnCancelPolicy(true);
        // Only schedules: discovery, probes and pin checks themselves run on "checks" (a virtual thread
        // per check, one at a time per backend), so nothing here ever waits on a backend and one that
        // never answers cannot hold up another's checks, a config reload (the file watch runs here),
        // the identity poll on "palisade-background", start-up or a request.
        ScheduledExecutorService backendChecks = Executors.newScheduledThreadPool(1,
                Thread.ofPlatform().name("palisade-backend-checks").daemon(true).factory());
        BackgroundChecks checks = new BackgroundChecks();
        background.scheduleWithFixedDelay(reloader::reloadIfChanged, IdentityReloader.POLL_MILLIS, IdentityReloader.POLL_MILLIS,
                TimeUnit.MILLISECONDS);
        BackendFactory backendFactory = new BackendFactory(deadlines, json, clock);
        Map<String, Backend> backends = backendFactory.build(config.backends(), List.of(), Map.of());
        ModelCatalog catalog = new ModelCatalog(new ModelCatalog.Sources(config.models(), config.backends(), backends), clock, checks);
        // The first discovery runs in the background: the listener opens at once, configured models
        // are routable at once, discovered ones appear as each backend answers (readiness waits).
        catalog.refresh();
        long interval = config.discoveryInterval().toMillis();
        backendChecks.scheduleWithFixedDelay(catalog::refresh, interval, interval, TimeUnit.MILLISECONDS);

        GatewayMetrics metrics = new GatewayMetrics(config.observability().perUserMetrics(), config.observability().maxMetricUsers());
        SpanExporter spanExporter = OpenTelemetrySpans.create(config.observability(), metrics);
        BackendHealth health = new BackendHealth(catalog::backends, clock, metrics::backendProbed);
        long probeEvery = config.observability().probeInterval().toMillis();
        StoreHealth storeHealth = new StoreHealth(database);
        backendChecks.scheduleWithFixedDelay(() -> {
            checks.request("store", storeHealth::check);
            health.probeAll(checks);
        }, 0, probeEvery, TimeUnit.MILLISECONDS);

        // Anchors of the chain's head outside the store (docs/security.md): this replica's own file, and the log.
        AuditConfig.Checkpoints checkpointConfig = config.audit().checkpoints();
        Path checkpointFile = checkpointConfig.fileFor(config.storeUrl());
        CheckpointKey checkpointKey = CheckpointKey.of(checkpointConfig.key());
        CheckpointWriter checkpoints = new CheckpointWriter(checkpointFile, checkpointKey, checkpointConfig.interval(),
                checkpointConfig.everyRecords(), clock);
        metrics.gauge("palisade_audit_checkpoint_failing", "1 while audit checkpoints cannot be written to their file",
                () -> checkpoints.healthy() ? 0 : 1);
        AuditVerifier verifier = new AuditVerifier(auditStore, List.of(checkpointFile), checkpointKey);
        AuditWriter auditWriter = new AuditWriter(auditStore, config.audit().groupCommitMaxBatch(), new AuditWriter.CommitObserver() {
            @Override
            public void committed(int records, long nanos) {
                metrics.auditCommitted(nanos);
            }

            @Override
            public void failed(int records) {
                metrics.auditCommitFailed();
            }

            @Override
            public void headCommitted(long seq, String hash) {
                checkpoints.headCommitted(seq, hash);
            }
        }, deadlines);
        metrics.gauge("palisade_audit_queue_depth", "Audit records waiting for their group commit", auditWriter::queueDepth);
        OpenRequests openRequests = new OpenRequests(UUID.randomUUID().toString(), auditStore.lastSeq());
        AuditTrail audit = new AuditTrail(auditWriter, clock, json, openRequests);
        UsageStore usage = new UsageStore(database);
        // Before the listener opens, so local budget counters, seeded from usage at their first
        // request, count what a crashed predecessor reserved. Bounded: only rows above the dead
        // instances' last watermarks are read, a page at a time.
        AbandonedReservations abandoned = new AbandonedReservations(new InstanceStore(database), auditStore, usage, audit, openRequests,
                database.dialect(), clock, json, Counter.builder().name("palisade_abandoned_requests_charged_total")
                        .help("Requests a dead process left in flight, charged their reservation by this one").register(metrics.registry())::inc);
        abandoned.register();
        abandoned.sweep();
        // Two threads: a sweep waiting on audit commits must never delay this process' heartbeat,
        // or the other replicas would take it for dead and charge its live requests.
        ScheduledExecutorService instanceBeat = Executors.newScheduledThreadPool(2,
                Thread.ofPlatform().name("palisade-instance-", 0).daemon(true).factory());
        long beat = AbandonedReservations.HEARTBEAT.toMillis();
        instanceBeat.scheduleWithFixedDelay(abandoned::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        if (database.dialect() == Dialect.POSTGRESQL) {
            // replicas die while others run: a survivor charges them once they are silent long enough
            instanceBeat.scheduleWithFixedDelay(abandoned::sweep, beat, beat, TimeUnit.MILLISECONDS);
        }
        UsageRecorder usageRecorder = new UsageRecorder(usage, usageSpool(config.storeUrl()));
        metrics.gauge("palisade_usage_backlog_rows", "Usage rows accepted but not yet stored (the store failed): in memory and spooled",
                usageRecorder::backlogRows);
        metrics.counter("palisade_usage_write_failures_total", "Usage writes to the store that failed (the rows are kept and retried)",
                usageRecorder::writeFailures);
        Counters counters = config.limits().redisUrl() == null ? new LocalCounters()
                : RedisCounters.connect(config.limits().redisUrl(), "palisade:", config.limits().redisLease());
        AdmissionControl admission = new AdmissionControl(counters, limitsRegistry, config.limits(), new TokenEstimator(), usage,
                usageRecorder, clock);
        PolicyDecisionPoint policy = new PolicyDecisionPoint(catalog, admission);
        CanaryStates canaryStates = new CanaryStates(new CanaryStateStore(database));
        canaryStates.reload();
        background.scheduleWithFixedDelay(canaryStates::reload, 1, 1, TimeUnit.SECONDS);
        LifecycleMetrics lifecycleMetrics = new LifecycleMetrics(metrics.registry(), catalog::all, canaryStates);
        Router router = new Router(canaryStates, () -> current.get().routing(), health::down, clock);
        Failover failover = new Failover(router, catalog, () -> current.get().routing(), clock, Thread::sleep);
        JsonBodyReader bodies = new JsonBodyReader(json, config.server().maxBodyBytes());
        Exchanges exchanges = new Exchanges(registry, policy, admission, audit, bodies, json, config.server(), clock, metrics,
                new RequestLog(config.observability().requestLog()), spanExporter);
        OpenAiRoutes openAi = new OpenAiRoutes(failover, catalog, json, new ContentCapture(config.audit(), json), lifecycleMetrics);
        ModelFamilies families = new ModelFamilies(catalog);
        AdminRoutes admin = new AdminRoutes(exchanges, identities, new AuditRecords(auditStore, json), verifier,
                catalog, health, families, () -> current.get().backends(), bodies, json, limitsCodec, limitsRegistry, usage);
        AtomicReference<URI> selfUrl = new AtomicReference<>();
        AtomicReference<ModelLifecycle> lifecycleHolder = new AtomicReference<>();
        EvalService evals = new EvalService(new EvalStore(database), json, clock, (runId, request) -> new HttpEvalGateway(selfUrl.get(),
                new EvalIdentity(identities, clock).keyFor(runId, request), json, model -> {
                    String[] family = families.of(model);
                    return family == null ? null : family[0];
                }, model -> {
                    Backend.Unload unload = families.unload(model, model.equals(request.generator()) ? request.generatorDeployment() : null);
                    return new boolean[] {unload.supported(), unload.confirmed()};
                }, request.generator(), request.generatorDeployment()), runId -> lifecycleHolder.get().evaluationFinished(runId));
        evals.abandonInterruptedRuns();
        EvalRoutes evalRoutes = new EvalRoutes(exchanges, evals, bodies, json);
        ModelLifecycle lifecycle = new ModelLifecycle(catalog, canaryStates, evals, audit, lifecycleMetrics,
                () -> current.get().routing().promotionRequiresEval(), json, clock);
        lifecycleHolder.set(lifecycle);
        CanaryJudge judge = new CanaryJudge(catalog, canaryStates, lifecycle, clock);
        background.scheduleWithFixedDelay(judge::judgeAll, 1, 1, TimeUnit.SECONDS);
        PinMonitor pins = new PinMonitor(new PinVerifier(new GgufDigests(), clock), current::get, catalog, audit, lifecycleMetrics);
        // Pinned deployments take no traffic until this first round has checked them (DeploymentHealth#pinUnchecked).
        Runnable checkPins = () -> checks.request("pins", pins::checkAllQuietly);
        checkPins.run();
        long verifyEvery = config.routing().verifyInterval().toMillis();
        if (verifyEvery > 0) {
            backendChecks.scheduleWithFixedDelay(checkPins, verifyEvery, verifyEvery, TimeUnit.MILLISECONDS);
        }
        ConfigReloader configReloader = new ConfigReloader(source, current, catalog, backendFactory, audit, lifecycleMetrics, () -> {
            pins.clearUnpinned();
            checkPins.run();
        });
        if (config.routing().watchConfig() && source.file() != null) {
            backendChecks.scheduleWithFixedDelay(configReloader::reloadIfFileChanged, 2, 2, TimeUnit.SECONDS);
        }
        ModelRoutes modelRoutes = new ModelRoutes(exchanges, catalog, canaryStates, lifecycle, configReloader, pins, health, bodies, json,
                clock);
        MetricsEndpoint metricsEndpoint = new MetricsEndpoint(metrics.registry(),
                authorization -> MetricsAccess.refusal(authorization, config.observability().metricsToken(), registry));

        GatewayServer server = new GatewayServer(config.server(), exchanges, openAi, routes -> {
            admin.register(routes);
            evalRoutes.register(routes);
            modelRoutes.register(routes);
        }, metricsEndpoint,
                config.observability().metricsPort(),
                () -> storeHealth.writable() && auditWriter.healthy() && health.anyUp() && catalog.discoveredOnce()
                        // admission works without shared counters only when configured to admit without limits
                        && (counters.healthy() || config.limits().failOpen()));
        try {
            server.start(config.server().host(), config.server().port());
            String host = config.server().host().equals("0.0.0.0") || config.server().host().equals("::") ? "127.0.0.1" : config.server().host();
            selfUrl.set(URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port()));
        } catch (RuntimeException e) {
            auditWriter.close();
            checkpoints.close();
            usageRecorder.close();
            counters.close();
            spanExporter.close();
            background.shutdownNow();
            deadlines.shutdownNow();
            backendChecks.shutdownNow();
            checks.close();
            instanceBeat.shutdownNow();
            database.close();
            throw e;
        }
        return new Palisade(server, auditWriter, usageRecorder, counters, List.of(background, deadlines, backendChecks, instanceBeat),
                deadlines, database, spanExporter, bootstrapAdminKey, configReloader, checks,
                () -> catalog.discoveredOnce() && pins.checkedOnce() && health.probedAll(), checkpoints, abandoned);
    }

    public int port() {
        return server.port();
    }

    /** The backends' watchdog ("palisade-deadlines"), for tests to look at what it has queued. */
    ScheduledThreadPoolExecutor deadlines() {
        return deadlines;
    }

    /**
     * Whether the background checks begun at start have concluded: every discovering backend's first
     * discovery, every backend's first probe and the first round of pin checks (each bounded by its
     * backend's limit for checks).
     * {@link #start} does not wait for them; tests that use discovered models or pinned deployments
     * from the first request wait for this.
     */
    public boolean firstChecksDone() {
        return firstChecksDone.getAsBoolean();
    }

    /** The administrator key created by this start, if it created one (shown once). */
    public Optional<String> bootstrapAdminKey() {
        return bootstrapAdminKey;
    }

    /** Stops accepting requests, lets in-flight ones finish, commits every queued audit row, then releases the store. */
    @Override
    public void close() {
        server.close();
        auditWriter.close();
        // After the writer: its last commit is the head the final checkpoint anchors.
        checkpoints.close();
        usageRecorder.close();
        counters.close();
        spanExporter.close();
        schedulers.forEach(ScheduledExecutorService::shutdownNow);
        checks.close();
        abandoned.ended();
        database.close();
    }

    /** Reloads the config from its source (SIGHUP and tests use this; the admin API and file watch call the same). */
    public ConfigReloader.Outcome reloadConfig(String trigger) {
        return reloader.reload(trigger, "palisade");
    }

    /** Writes queued usage rows now (reports read the store). */
    public void flushUsage() {
        usageRecorder.flush();
    }
}
