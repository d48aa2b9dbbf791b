package io.palisade.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.cli.CliRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The core flow of a gateway whose store is PostgreSQL, from admin API to {@code palisade audit verify}. */
class PostgresGatewayIntegrationTest {
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void identitiesDecisionsAndTheAuditChainLiveInPostgresql() {
        String storeUrl;
        try (TestGateway gateway = TestGateway.startOnPostgres()) {
            storeUrl = gateway.storeUrl();
            assertThat(storeUrl).startsWith("postgresql://");

            String alice = gateway.userWithKey("alice@example.com", List.of("qwen3:0.6b"));
            assertThat(gateway.admin("GET", "/admin/users", null).toString()).contains("alice@example.com");
            assertThat(gateway.post("/v1/chat/completions", alice, CHAT.formatted("qwen3:0.6b"))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(gateway.post("/v1/chat/completions", alice, CHAT.formatted("llama3.2:1b"))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(gateway.post(
                                    "/v1/chat/completions",
                                    "pal_unknownunknown_not-a-real-secret",
                                    CHAT.formatted("qwen3:0.6b"))
                            .statusCode())
                    .isEqualTo(401);

            List<JsonNode> records = gateway.awaitApiRecords(3);
            assertThat(records).hasSize(3);
            assertThat(records.get(0).path("user").asText()).isEqualTo("alice@example.com");
            assertThat(records.get(0).path("decision").asText()).isEqualTo("allowed");
            assertThat(records.get(0).path("status").asInt()).isEqualTo(200);
            assertThat(records.get(1).path("user").asText()).isEqualTo("alice@example.com");
            assertThat(records.get(1).path("decision").asText()).isEqualTo("denied");
            assertThat(records.get(1).path("reason").asText()).isEqualTo("model_access_denied");
            assertThat(records.get(1).path("status").asInt()).isEqualTo(403);
            assertThat(records.get(2).path("caller").asText()).isEqualTo("unidentified");
            assertThat(records.get(2).path("reason").asText()).isEqualTo("invalid_api_key");

            JsonNode verified = gateway.admin("GET", "/admin/audit/verify", null);
            assertThat(verified.path("intact").asBoolean()).isTrue();
            assertThat(verified.path("records").asLong()).isGreaterThanOrEqualTo(6);

            // The store is a server: the CLI reads it while the gateway is still running.
            CliRun live = CliRun.of("audit", "verify", "--store", storeUrl);
            assertThat(live.exit()).as(live.out() + live.err()).isZero();
            assertThat(live.out()).contains("audit chain intact");
        }
        CliRun afterStop = CliRun.of("audit", "verify", "--store", storeUrl);
        assertThat(afterStop.exit()).as(afterStop.out() + afterStop.err()).isZero();
        CliRun export =
                CliRun.of("audit", "export", "--store", storeUrl, "--user", "alice@example.com", "--format", "jsonl");
        assertThat(export.exit()).isZero();
        assertThat(export.out().lines()).hasSize(2);
    }
}
