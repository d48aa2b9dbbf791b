package io.palisade.store;

/** The store contract on PostgreSQL (a throw-away server, see {@link io.palisade.TestPostgres}). */
class PostgresStoreTest extends StoreContract {
    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRESQL;
    }
}
