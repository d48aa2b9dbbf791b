package io.palisade.store;

import org.flywaydb.core.api.MigrationVersion;

/**
 * A store's schema (the newest Flyway migration applied to it) against this release's newest
 * migration. A store whose schema is newer was migrated by a later release: this one cannot be
 * trusted to read it. Immutable.
 *
 * @param applied the store's schema version ("0" when nothing was applied)
 * @param release the newest schema version this release knows
 */
public record SchemaVersion(String applied, String release) {
    public boolean newerThanRelease() {
        return MigrationVersion.fromVersion(applied).isNewerThan(MigrationVersion.fromVersion(release));
    }

    public boolean olderThanRelease() {
        return MigrationVersion.fromVersion(release).isNewerThan(MigrationVersion.fromVersion(applied));
    }
}
