package io.palisade.audit;

import io.palisade.store.Dialect;

/** The audit search on PostgreSQL (a throw-away server, see {@link io.palisade.TestPostgres}). */
class PostgresAuditSearchTest extends AuditSearchContract {
    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRESQL;
    }
}
