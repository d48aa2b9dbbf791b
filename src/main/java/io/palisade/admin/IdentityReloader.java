package io.palisade.admin;

import io.palisade.admission.LimitsRegistry;
import io.palisade.auth.KeyRegistry;
import io.palisade.store.IdentityVersionStore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this replica's in-memory keys and limits current. A change made here is published (the
 * shared version goes up) and reloaded at once; a change made by another replica is noticed by
 * polling the version every {@value #POLL_MILLIS} ms. So a key revoked anywhere is refused
 * everywhere within the poll interval plus one reload (well under the documented 5 s).
 * Thread-safe.
 */
public final class IdentityReloader {
    public static final long POLL_MILLIS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(IdentityReloader.class);

    private final IdentityVersionStore versions;
    private final KeyRegistry keys;
    private final LimitsRegistry limits;
    private final AtomicLong seen = new AtomicLong(-1);

    public IdentityReloader(IdentityVersionStore versions, KeyRegistry keys, LimitsRegistry limits) {
        this.versions = versions;
        this.keys = keys;
        this.limits = limits;
    }

    public synchronized void reload() {
        long version = versions.read();
        keys.reload();
        limits.reload();
        seen.set(version);
    }

    /** After a change through this replica: tell the others, then reload here before answering. */
    public void publishChange() {
        versions.bump();
        reload();
    }

    public void reloadIfChanged() {
        try {
            if (versions.read() != seen.get()) {
                reload();
            }
        } catch (RuntimeException e) {
            LOG.warn("could not check for identity changes: {}", e.getMessage());
        }
    }
}
