package io.palisade.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * A small HikariCP pool onto one PostgreSQL database. Small on purpose: requests are authorised
 * from in-memory snapshots, so the store sees only admin operations, audit reads and the one audit
 * writer; several replicas then share the server's connection slots. The credentials go to the
 * pool as user and password, never inside the logged JDBC URL. Thread-safe.
 */
final class PostgresConnections implements Connections {
    static final int MAX_POOL_SIZE = 10;
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private final HikariDataSource pool;

    PostgresConnections(StoreUrl url) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("palisade-store");
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        config.setPassword(url.password());
        // Without this the driver puts the failing row's values (audit bodies, possibly captured
        // prompts) into exception messages, which end up in logs.
        config.addDataSourceProperty("logServerErrorDetail", "false");
        config.setMaximumPoolSize(MAX_POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        // Fail the start at once when the server is unreachable or refuses us, not on first use.
        config.setInitializationFailTimeout(CONNECTION_TIMEOUT.toMillis());
        this.pool = new HikariDataSource(config);
    }

    @Override
    public Connection connect() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public FluentConfiguration migrations(FluentConfiguration flyway) {
        return flyway.dataSource(pool);
    }

    @Override
    public void close() {
        pool.close();
    }
}
