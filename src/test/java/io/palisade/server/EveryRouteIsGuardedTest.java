package io.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route except the health probes refuses a caller without a key, and each refusal is
 * audited as an unidentified caller. Routes are registered only through {@link Exchanges}; this
 * pins that for all routes that exist today (and for paths that do not exist).
 */
class EveryRouteIsGuardedTest {
    private static final List<String> ROUTES = List.of(
            "POST /v1/chat/completions",
            "POST /v1/completions",
            "POST /v1/embeddings",
            "GET /v1/models",
            "GET /v1/models/llama3.2:1b",
            "GET /v1/anything-else",
            "GET /admin/users",
            "POST /admin/users",
            "GET /admin/users/x",
            "POST /admin/users/x/approve",
            "POST /admin/users/x/disable",
            "PUT /admin/users/x/team",
            "DELETE /admin/users/x",
            "GET /admin/teams",
            "POST /admin/teams",
            "PUT /admin/teams/t/models",
            "DELETE /admin/teams/t",
            "GET /admin/keys",
            "POST /admin/keys",
            "POST /admin/keys/k/revoke",
            "POST /admin/keys/k/rotate",
            "GET /admin/models",
            "GET /admin/backends",
            "GET /admin/audit",
            "GET /admin/audit/export",
            "GET /admin/audit/verify",
            "GET /admin/nonexistent");

    @Test
    void noKeyNoEntryAndEveryRefusalIsOnRecord(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            for (String route : ROUTES) {
                String[] parts = route.split(" ");
                HttpResponse<String> response = gateway.send(gateway.request(parts[1], null)
                        .header("Content-Type", "application/json")
                        .method(parts[0], HttpRequest.BodyPublishers.ofString("{}")));
                assertThat(response.statusCode()).as(route).isEqualTo(401);
                assertThat(response.body()).as(route).contains("missing_api_key");
            }
            long unidentified = gateway.auditRecords().stream()
                    .filter(r -> "unidentified".equals(r.path("caller").asText())
                            && "missing_api_key".equals(r.path("reason").asText()))
                    .count();
            assertThat(unidentified).isEqualTo(ROUTES.size());
            assertThat(gateway.get("/health/live", null).statusCode()).isEqualTo(200);
            assertThat(gateway.get("/health/ready", null).statusCode()).isEqualTo(200);
        }
    }
}
