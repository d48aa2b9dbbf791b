package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.store.AuditFilter;
import io.palisade.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit search on SQLite, and proof that each filter is answered by its index, not by reading the chain. */
class SqliteAuditSearchTest extends AuditSearchContract {
    @Override
    protected Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Test
    void eachFilterIsServedByItsIndexInSeqOrderWithoutSorting() throws SQLException {
        assertPlan(new AuditFilter("usr_1", null, null, null, null, null, null), "audit_events_user");
        assertPlan(new AuditFilter(null, "key_1", null, null, null, null, null), "audit_events_key");
        assertPlan(new AuditFilter(null, null, "model-1", null, null, null, null), "audit_events_model");
        assertPlan(new AuditFilter(null, null, null, "denied", null, null, null), "audit_events_decision");
        assertPlan(new AuditFilter(null, null, null, null, "client-1", null, null), "audit_events_client_request");
    }

    private void assertPlan(AuditFilter filter, String index) throws SQLException {
        AuditStore.Query query = AuditStore.query(filter);
        query.sql().append(" AND h.seq < ? ORDER BY h.seq DESC LIMIT ?");
        query.parameters().add(Long.MAX_VALUE);
        query.parameters().add(100L);
        List<String> plan = new ArrayList<>();
        try (Connection connection = database.connect();
                PreparedStatement statement = connection.prepareStatement("EXPLAIN QUERY PLAN " + query.sql())) {
            query.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    plan.add(rows.getString("detail"));
                }
            }
        }
        assertThat(plan)
                .as("plan for %s", filter)
                .anySatisfy(step -> assertThat(step).startsWith("SEARCH h USING INDEX " + index + " "));
        assertThat(plan)
                .as("plan for %s", filter)
                .noneSatisfy(step -> assertThat(step).contains("TEMP B-TREE"));
        assertThat(plan)
                .as("plan for %s", filter)
                .noneSatisfy(step -> assertThat(step).startsWith("SCAN h"));
    }
}
