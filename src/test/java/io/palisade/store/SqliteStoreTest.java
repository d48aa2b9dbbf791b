package io.palisade.store;

/** The store contract on SQLite. */
class SqliteStoreTest extends StoreContract {
    @Override
    protected Dialect dialect() {
        return Dialect.SQLITE;
    }
}
