package io.palisade.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/** How one dialect hands out connections; {@link Database} is the only user. */
interface Connections extends AutoCloseable {
    /** A connection the caller closes (for a pool, closing returns it). */
    Connection connect() throws SQLException;

    /** Points Flyway at this store. */
    FluentConfiguration migrations(FluentConfiguration flyway);

    /** Releases what the store holds open (a pool's connections); connections already handed out are the callers'. */
    @Override
    void close();
}
