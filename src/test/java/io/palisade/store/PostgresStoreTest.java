package io.palisade.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store contract on PostgreSQL (a throw-away server, see {@link io.palisade.TestPostgres}). */
class PostgresStoreTest extends StoreContract {
    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    /**
     * Bytewise comparison and ordering, as in SQLite, must not depend on the database's locale (the
     * test server's is C, so ordering tests alone would not notice): every text column says "C".
     */
    @Test
    void everyTextColumnCollatesBytewise() throws SQLException {
        List<String> others = new ArrayList<>();
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT table_name, column_name FROM information_schema.columns"
                        + " WHERE table_schema = current_schema() AND data_type = 'text' AND table_name <> 'flyway_schema_history'"
                        + " AND collation_name IS DISTINCT FROM 'C' ORDER BY table_name, column_name")) {
            while (rows.next()) {
                others.add(rows.getString(1) + "." + rows.getString(2));
            }
        }
        assertThat(others).isEmpty();
    }
}
