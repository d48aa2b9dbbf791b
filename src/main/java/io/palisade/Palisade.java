package io.palisade;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.assembly.AdmissionAssembly;
import io.palisade.assembly.Assemblies;
import io.palisade.assembly.AuditAssembly;
import io.palisade.assembly.BackendsAssembly;
import io.palisade.assembly.HttpAssembly;
import io.palisade.assembly.IdentityAssembly;
import io.palisade.assembly.LifecycleAssembly;
import io.palisade.assembly.ListenerAssembly;
import io.palisade.assembly.ObservabilityAssembly;
import io.palisade.assembly.StoreAssembly;
import io.palisade.config.ConfigSource;
import io.palisade.config.PalisadeConfig;
import io.palisade.lifecycle.ConfigReloader;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A running gateway, built from a validated config as a list of assemblies, one per capability
 * (package {@code io.palisade.assembly}), each started after the ones it uses and closed before
 * them. Tests build it the same way ({@code Palisade.start(config, clock)}) on a random port and a
 * temporary SQLite file or PostgreSQL database.
 */
public final class Palisade implements AutoCloseable {
    private final Assemblies assemblies;
    private final IdentityAssembly identity;
    private final BackendsAssembly backends;
    private final AdmissionAssembly admission;
    private final LifecycleAssembly lifecycle;
    private final ListenerAssembly listener;

    private Palisade(
            Assemblies assemblies,
            IdentityAssembly identity,
            BackendsAssembly backends,
            AdmissionAssembly admission,
            LifecycleAssembly lifecycle,
            ListenerAssembly listener) {
        this.assemblies = assemblies;
        this.identity = identity;
        this.backends = backends;
        this.admission = admission;
        this.lifecycle = lifecycle;
        this.listener = listener;
    }

    public static Palisade start(PalisadeConfig config, Clock clock) {
        return start(ConfigSource.fixed(config), config, clock);
    }

    /**
     * Starts from {@code source}, which is read again on reload; {@code config} is its first load.
     * When an assembly fails to build, the ones already started are closed, latest first, and the
     * failure is thrown.
     */
    public static Palisade start(ConfigSource source, PalisadeConfig config, Clock clock) {
        // Requests run on fresh virtual threads, so Jackson's default thread-local buffer recycling
        // never recycles; a shared pool does (it was ~15 % of the gateway's allocations).
        ObjectMapper json = new ObjectMapper(JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                .build());
        Assemblies started = new Assemblies();
        try {
            ObservabilityAssembly observability = started.add(new ObservabilityAssembly(config.observability()));
            StoreAssembly store = started.add(new StoreAssembly(config.storeUrl()));
            IdentityAssembly identity = started.add(new IdentityAssembly(config, store, json, clock));
            BackendsAssembly backends = started.add(new BackendsAssembly(config, store, observability, json, clock));
            AuditAssembly audit = started.add(new AuditAssembly(config, store, observability, json, clock));
            AdmissionAssembly admission = started.add(new AdmissionAssembly(
                    config.limits(), store, identity, backends, audit, observability, json, clock));
            ListenerAssembly listener = started.add(
                    new ListenerAssembly(config.server(), config.observability().metricsListener(), observability));
            LifecycleAssembly lifecycle = started.add(new LifecycleAssembly(
                    source, config, store, observability, identity, backends, audit, listener.selfUrl(), json, clock));
            started.add(new HttpAssembly(
                    config,
                    store,
                    observability,
                    identity,
                    backends,
                    audit,
                    admission,
                    lifecycle,
                    listener,
                    () -> store.ready() && audit.ready() && backends.ready() && admission.ready(),
                    json,
                    clock));
            return new Palisade(started, identity, backends, admission, lifecycle, listener);
        } catch (RuntimeException | Error e) {
            started.closeAfterFailedStart(e);
            throw e;
        }
    }

    /** The main listener's port (the system's pick when the config asked for port 0). */
    public int port() {
        return listener.port();
    }

    /** The port of the separate metrics and health listener, when {@code metrics.port} asks for one. */
    public OptionalInt metricsPort() {
        return listener.metricsPort();
    }

    /** The backends' watchdog ("palisade-deadlines"), for tests to look at what it has queued. */
    ScheduledThreadPoolExecutor deadlines() {
        return backends.deadlines();
    }

    /**
     * Whether the background checks begun at start have concluded: every discovering backend's first
     * discovery, every backend's first probe and the first round of pin checks (each bounded by its
     * backend's limit for checks).
     * {@link #start} does not wait for them; tests that use discovered models or pinned deployments
     * from the first request wait for this.
     */
    public boolean firstChecksDone() {
        return backends.catalog().discoveredOnce()
                && lifecycle.pins().checkedOnce()
                && backends.health().probedAll();
    }

    /** The administrator key created by this start, if it created one (shown once). */
    public Optional<String> bootstrapAdminKey() {
        return identity.bootstrapAdminKey();
    }

    /**
     * Closes the assemblies in the reverse of their start order: stops accepting requests and lets
     * in-flight ones finish, stops scheduled work, commits every queued audit row and usage row,
     * stops the threads, then releases the store.
     */
    @Override
    public void close() {
        assemblies.close();
    }

    /** Reloads the config from its source (SIGHUP and tests use this; the admin API and file watch call the same). */
    public ConfigReloader.Outcome reloadConfig(String trigger) {
        // The TLS files too: what a SIGHUP after replacing them means (their paths only change with a restart).
        listener.reloadCertificates(trigger);
        return lifecycle.reloader().reload(trigger, "palisade");
    }

    /** Writes queued usage rows now (reports read the store). */
    public void flushUsage() {
        admission.usageRecorder().flush();
    }
}
