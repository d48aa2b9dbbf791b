package io.palisade.store;

import java.math.BigDecimal;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Where a store's schema stands against the migrations this release contains. A store migrated by a
 * newer release (a rollback after an upgrade) may hold tables and meanings this release does not
 * know; Flyway's default ({@code ignoreMigrationPatterns "*:future"}) would let it start there
 * silently, so {@link Database} refuses such a store and {@code palisade store schema} reports it.
 * Immutable.
 *
 * @param store the highest migration applied to the store ({@link MigrationVersion#EMPTY} for a new store)
 * @param release the highest migration this release contains
 */
public record SchemaStatus(MigrationVersion store, MigrationVersion release) {
    /** Reads both versions from Flyway's view of the store (which it does not change). */
    static SchemaStatus of(MigrationInfoService info) {
        MigrationVersion store = MigrationVersion.EMPTY;
        MigrationVersion release = MigrationVersion.EMPTY;
        for (MigrationInfo migration : info.all()) {
            MigrationVersion version = migration.getVersion();
            if (version == null) {
                continue;
            }
            if (migration.getState().isApplied() && !migration.getState().isFailed() && version.compareTo(store) > 0) {
                store = version;
            }
            if (migration.getState().isResolved() && version.compareTo(release) > 0) {
                release = version;
            }
        }
        return new SchemaStatus(store, release);
    }

    /** Whether this release can run on the store: it knows every migration applied to it (or more). */
    public boolean compatible() {
        return store.compareTo(release) <= 0;
    }

    /** Whether a newer release migrated the store (the opposite of {@link #compatible()}). */
    public boolean newerThanRelease() {
        return store.compareTo(release) > 0;
    }

    /** Whether this release would still migrate the store (an older release's backup). */
    public boolean olderThanRelease() {
        return store.compareTo(release) < 0;
    }

    /** The store's version as text, as a backup's manifest records it ("0" for a new store). */
    public String applied() {
        return storeNumber().toPlainString();
    }

    /** The store's version as a number, 0 for a store no migration has touched yet. */
    public BigDecimal storeNumber() {
        return number(store);
    }

    /** This release's newest migration as a number. */
    public BigDecimal releaseNumber() {
        return number(release);
    }

    /** Why this release must not run on the store, for the operator. */
    String refusal() {
        return "the store's schema is at version " + storeNumber() + ", newer than this release's (" + releaseNumber()
                + "): a newer Palisade migrated it. Run that release, or roll back together with the backup taken"
                + " before the upgrade (rollback.sh --restore-backup, docs/install.md)";
    }

    private static BigDecimal number(MigrationVersion version) {
        return version.getVersion() == null ? BigDecimal.ZERO : new BigDecimal(version.getVersion());
    }
}
