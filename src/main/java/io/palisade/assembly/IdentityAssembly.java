package io.palisade.assembly;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.admin.AdminBootstrap;
import io.palisade.admin.IdentityAdmin;
import io.palisade.admin.IdentityReloader;
import io.palisade.admission.LimitsCodec;
import io.palisade.admission.LimitsRegistry;
import io.palisade.auth.KeyRegistry;
import io.palisade.auth.KeyTokens;
import io.palisade.config.PalisadeConfig;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Users, teams and keys in memory ({@link KeyRegistry}), the stored limits ({@link LimitsRegistry}),
 * their reload when another replica changes them (polled on its own "palisade-identity-poll"
 * thread: store-bound work that may wait on the store, and holds up nothing else when it does), the
 * admin operations on them, and the bootstrap administrator key.
 */
public final class IdentityAssembly implements Assembly {
    private final KeyRegistry keys;
    private final LimitsCodec limitsCodec;
    private final LimitsRegistry limits;
    private final IdentityAdmin admin;
    private final Optional<String> bootstrapAdminKey;
    private final ScheduledThreadPoolExecutor pollThread;
    private final ScheduledFuture<?> poll;

    public IdentityAssembly(PalisadeConfig config, StoreAssembly store, ObjectMapper json, Clock clock) {
        this.keys = new KeyRegistry(store.keys(), store.users(), store.teams(), clock);
        this.limitsCodec = new LimitsCodec(json);
        this.limits = new LimitsRegistry(store.limits(), limitsCodec, config.limits());
        IdentityReloader reloader = new IdentityReloader(store.identityVersions(), keys, limits);
        reloader.reload();
        this.admin = new IdentityAdmin(
                store.users(),
                store.teams(),
                store.keys(),
                store.audit(),
                store.limits(),
                limitsCodec,
                reloader::publishChange,
                new KeyTokens(new SecureRandom()),
                clock);
        this.bootstrapAdminKey = new AdminBootstrap(admin).ensureAdmin(config.adminKey());
        // Created last, so that a failure above leaves no thread behind.
        this.pollThread = SchedulerThread.named("palisade-identity-poll");
        this.poll = pollThread.scheduleWithFixedDelay(
                reloader::reloadIfChanged,
                IdentityReloader.POLL_MILLIS,
                IdentityReloader.POLL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    public KeyRegistry keys() {
        return keys;
    }

    public LimitsCodec limitsCodec() {
        return limitsCodec;
    }

    public LimitsRegistry limits() {
        return limits;
    }

    public IdentityAdmin admin() {
        return admin;
    }

    /** The administrator key created by this start, if it created one. */
    public Optional<String> bootstrapAdminKey() {
        return bootstrapAdminKey;
    }

    @Override
    public void close() {
        poll.cancel(false);
        pollThread.shutdownNow();
    }
}
