package io.palisade.store;

/**
 * The kinds of store Palisade runs on. Store code is written in SQL both understand; this names
 * the few places that differ (transaction locking, cursors) and where each one's migrations live.
 */
public enum Dialect {
    SQLITE("classpath:db/migration/sqlite"),
    POSTGRESQL("classpath:db/migration/postgresql");

    private final String migrations;

    Dialect(String migrations) {
        this.migrations = migrations;
    }

    /** The Flyway location of this dialect's migrations (same versions and meaning in each). */
    String migrations() {
        return migrations;
    }
}
