package io.palisade.store;

/** The audit search on PostgreSQL (a throw-away server, see {@link io.palisade.TestPostgres}). */
class PostgresAuditSearchTest extends AuditSearchContract {
    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRESQL;
    }
}
