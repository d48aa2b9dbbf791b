package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.cli.CliRun;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request's audit identity is Palisade's own: a caller that sends the same {@code X-Request-Id}
 * with several requests gets one record per request, and cannot make one hide another.
 */
class AuditIdentityIntegrationTest {
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aDeniedAndAMalformedRequestSharingAClientIdAreTwoRecordsEverywhere(@TempDir Path dir) {
        String storeUrl;
        List<String> ids = new ArrayList<>();
        try (TestGateway gateway = TestGateway.start(dir)) {
            String alice = gateway.userWithKey("alice@example.com", List.of("qwen3:0.6b"));
            HttpResponse<String> denied = send(gateway, alice, CHAT.formatted("llama3.2:1b"), "hide-me-1");
            HttpResponse<String> malformed =
                    send(gateway, alice, "{\"model\": \"qwen3:0.6b\", \"messages\": [", "hide-me-1");
            HttpResponse<String> allowed = send(gateway, alice, CHAT.formatted("qwen3:0.6b"), "hide-me-1");
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(malformed.statusCode()).isEqualTo(400);
            assertThat(allowed.statusCode()).isEqualTo(200);

            for (HttpResponse<String> response : List.of(denied, malformed, allowed)) {
                assertThat(response.headers().firstValue("X-Client-Request-Id"))
                        .as("the caller's id is echoed")
                        .hasValue("hide-me-1");
                String id = response.headers().firstValue("X-Request-Id").orElseThrow();
                assertThat(id)
                        .as("Palisade's id is its own")
                        .isNotEqualTo("hide-me-1")
                        .startsWith("req_");
                ids.add(id);
            }
            assertThat(ids).doesNotHaveDuplicates();

            List<JsonNode> records = gateway.awaitApiRecords(3);
            assertThat(records).extracting(r -> r.path("request_id").asText()).containsExactlyElementsOf(ids);
            assertThat(records)
                    .allSatisfy(r ->
                            assertThat(r.path("client_request_id").asText()).isEqualTo("hide-me-1"));
            assertThat(records).extracting(r -> r.path("status").asInt()).containsExactly(403, 400, 200);
            assertThat(records.get(0).path("reason").asText()).isEqualTo("model_access_denied");
            assertThat(records.get(2).path("complete").asBoolean()).isTrue();

            String export = gateway.get("/admin/audit/export?format=jsonl", TestGateway.ADMIN_KEY)
                    .body();
            assertThat(exported(export)).containsExactlyElementsOf(ids);
            CliRun remote = CliRun.of(
                    "audit",
                    "export",
                    "--remote",
                    "--url",
                    gateway.baseUrl(),
                    "--admin-key",
                    TestGateway.ADMIN_KEY,
                    "--client-request-id",
                    "hide-me-1");
            assertThat(remote.exit()).as(remote.err()).isZero();
            assertThat(exported(remote.out())).containsExactlyElementsOf(ids);
            storeUrl = gateway.storeUrl();
        }
        CliRun filtered = CliRun.of(
                "audit", "export", "--store", storeUrl, "--client-request-id", "hide-me-1", "--decision", "denied");
        assertThat(exported(filtered.out()))
                .as("the 403 and the 400 were refused")
                .containsExactly(ids.get(0), ids.get(1));
        CliRun export = CliRun.of("audit", "export", "--store", storeUrl);
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(exported(export.out())).hasSize(3).doesNotHaveDuplicates();
        CliRun csv = CliRun.of("audit", "export", "--store", storeUrl, "--format", "csv");
        assertThat(csv.out().lines().filter(line -> line.contains("hide-me-1"))).hasSize(3);
    }

    @Test
    void theAuditApiSearchesByClientRequestIdAndPagesBackwardWithACursor(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String alice = gateway.userWithKey("alice@example.com", List.of("qwen3:0.6b"));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                String clientId = i % 2 == 0 ? "trace-even" : "trace-odd";
                ids.add(send(gateway, alice, CHAT.formatted(i == 3 ? "llama3.2:1b" : "qwen3:0.6b"), clientId)
                        .headers()
                        .firstValue("X-Request-Id")
                        .orElseThrow());
            }
            gateway.awaitApiRecords(7);

            List<String> paged = new ArrayList<>();
            String path = "/admin/audit?client_request_id=trace-even&limit=2";
            while (true) {
                JsonNode page = gateway.admin("GET", path, null);
                List<String> pageIds = new ArrayList<>();
                page.path("data").forEach(r -> pageIds.add(r.path("request_id").asText()));
                assertThat(pageIds).hasSizeLessThanOrEqualTo(2);
                paged.addAll(0, pageIds);
                if (!page.path("has_more").asBoolean()) {
                    assertThat(page.path("next_before_seq").isNull()).isTrue();
                    break;
                }
                path = "/admin/audit?client_request_id=trace-even&limit=2&before_seq="
                        + page.path("next_before_seq").asLong();
            }
            assertThat(paged).containsExactly(ids.get(0), ids.get(2), ids.get(4), ids.get(6));

            JsonNode denied = gateway.admin(
                    "GET", "/admin/audit?client_request_id=trace-odd&decision=denied&model=llama3.2:1b", null);
            assertThat(denied.path("data"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.path("request_id").asText()).isEqualTo(ids.get(3)));
            String export = gateway.get(
                            "/admin/audit/export?format=jsonl&client_request_id=trace-odd", TestGateway.ADMIN_KEY)
                    .body();
            assertThat(export.lines()
                            .map(TestGateway::json)
                            .map(r -> r.path("request_id").asText()))
                    .containsExactly(ids.get(1), ids.get(3), ids.get(5));

            assertThat(gateway.get("/admin/audit?limit=10001", TestGateway.ADMIN_KEY)
                            .statusCode())
                    .isEqualTo(400);
            assertThat(gateway.get("/admin/audit?before_seq=abc", TestGateway.ADMIN_KEY)
                            .statusCode())
                    .isEqualTo(400);
            assertThat(gateway.get("/admin/audit?decision=maybe", TestGateway.ADMIN_KEY)
                            .statusCode())
                    .isEqualTo(400);
        }
    }

    @Test
    void anInsaneClientIdIsDroppedNotEchoed(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String alice = gateway.userWithKey("alice@example.com", List.of("qwen3:0.6b"));
            HttpResponse<String> response = send(gateway, alice, CHAT.formatted("qwen3:0.6b"), "x".repeat(129));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Client-Request-Id")).isEmpty();
            assertThat(gateway.awaitApiRecords(1).getFirst().has("client_request_id"))
                    .isFalse();
        }
    }

    private static HttpResponse<String> send(TestGateway gateway, String key, String body, String clientId) {
        return gateway.send(gateway.request("/v1/chat/completions", key)
                .header("Content-Type", "application/json")
                .header("X-Request-Id", clientId)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The request ids of the API records (those with a route under /v1/) in an export in JSON Lines. */
    private static List<String> exported(String jsonLines) {
        return jsonLines
                .lines()
                .filter(line -> !line.isBlank())
                .map(TestGateway::json)
                .filter(r -> r.path("route").asText("").startsWith("/v1/")
                        && r.path("client_request_id").asText().equals("hide-me-1"))
                .map(r -> r.path("request_id").asText())
                .toList();
    }
}
