package io.palisade.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users, teams and keys through the admin API, and that changes hold from the next request on. */
class AdminIntegrationTest {
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void revocationRotationAndDisablingTakeEffectOnTheNextRequest(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String key = gateway.userWithKey("grace@example.com", List.of("llama3.2:1b"));
            String keyId = gateway.admin("GET", "/admin/keys?user=grace@example.com", null)
                    .path("data")
                    .path(0)
                    .path("id")
                    .asText();
            assertThat(gateway.post("/v1/chat/completions", key, CHAT.formatted("llama3.2:1b"))
                            .statusCode())
                    .isEqualTo(200);

            JsonNode rotated = gateway.admin("POST", "/admin/keys/" + keyId + "/rotate", null);
            String newKey = rotated.path("key").asText();
            assertThat(newKey).startsWith("pal_").isNotEqualTo(key);
            assertThat(gateway.post("/v1/chat/completions", key, CHAT.formatted("llama3.2:1b"))
                            .body())
                    .contains("key_revoked");
            assertThat(gateway.post("/v1/chat/completions", newKey, CHAT.formatted("llama3.2:1b"))
                            .statusCode())
                    .isEqualTo(200);

            gateway.admin("POST", "/admin/users/grace@example.com/disable", null);
            assertThat(gateway.post("/v1/chat/completions", newKey, CHAT.formatted("llama3.2:1b"))
                            .body())
                    .contains("user_not_active");
            gateway.admin("POST", "/admin/users/grace@example.com/approve", null);
            assertThat(gateway.post("/v1/chat/completions", newKey, CHAT.formatted("llama3.2:1b"))
                            .statusCode())
                    .isEqualTo(200);

            gateway.admin("POST", "/admin/keys/" + rotated.path("id").asText() + "/revoke", null);
            var revoked = gateway.post("/v1/chat/completions", newKey, CHAT.formatted("llama3.2:1b"));
            assertThat(revoked.statusCode()).isEqualTo(401);
            JsonNode record = gateway.awaitApiRecords(5).getLast();
            assertThat(record.path("reason").asText()).isEqualTo("key_revoked");
            assertThat(record.path("user").asText())
                    .as("a revoked key is still attributed")
                    .isEqualTo("grace@example.com");
        }
    }

    @Test
    void teamGrantsApplyToTheTeamsKeysAndPendingUsersCannotCall(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            gateway.admin("POST", "/admin/teams", "{\"name\":\"ml\",\"allowed_models\":[\"qwen3*\"]}");
            gateway.admin(
                    "POST", "/admin/users", "{\"email\":\"heidi@example.com\",\"team\":\"ml\",\"status\":\"pending\"}");
            String key = gateway.admin("POST", "/admin/keys", "{\"user\":\"heidi@example.com\"}")
                    .path("key")
                    .asText();
            assertThat(gateway.post("/v1/chat/completions", key, CHAT.formatted("qwen3:0.6b"))
                            .body())
                    .contains("user_not_active");
            gateway.admin("POST", "/admin/users/heidi@example.com/approve", null);
            assertThat(gateway.post("/v1/chat/completions", key, CHAT.formatted("qwen3:0.6b"))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(gateway.post("/v1/chat/completions", key, CHAT.formatted("llama3.2:1b"))
                            .statusCode())
                    .isEqualTo(403);
            gateway.admin("PUT", "/admin/teams/ml/models", "{\"allowed_models\":[]}");
            assertThat(gateway.post("/v1/chat/completions", key, CHAT.formatted("qwen3:0.6b"))
                            .statusCode())
                    .isEqualTo(403);
        }
    }

    @Test
    void adminRoutesNeedAnAdminKeyAndEveryAdminActionIsAudited(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String key = gateway.userWithKey("ivan@example.com", List.of("*"));
            var denied = gateway.get("/admin/users", key);
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.body()).contains("admin_required");
            assertThat(gateway.get("/admin/users", null).statusCode()).isEqualTo(401);
            var conflict = gateway.send(gateway.request("/admin/users", TestGateway.ADMIN_KEY)
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"email\":\"ivan@example.com\"}")));
            assertThat(conflict.statusCode()).isEqualTo(409);
            var invalid = gateway.send(gateway.request("/admin/keys", TestGateway.ADMIN_KEY)
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"user\":\"ivan@example.com\",\"allowed_models\":\"*\"}")));
            assertThat(invalid.statusCode()).isEqualTo(400);
            assertThat(TestGateway.json(invalid.body())
                            .path("error")
                            .path("param")
                            .asText())
                    .isEqualTo("allowed_models");

            List<JsonNode> records = gateway.auditRecords();
            assertThat(records).anySatisfy(r -> {
                assertThat(r.path("action").asText()).isEqualTo("users.create");
                assertThat(r.path("actor").asText()).isEqualTo("admin@palisade.local");
            });
            assertThat(records).anySatisfy(r -> {
                assertThat(r.path("route").asText()).isEqualTo("/admin/users");
                assertThat(r.path("reason").asText()).isEqualTo("admin_required");
                assertThat(r.path("user").asText()).isEqualTo("ivan@example.com");
            });
            JsonNode backends = gateway.admin("GET", "/admin/backends", null);
            assertThat(backends.path("data")).anySatisfy(b -> {
                assertThat(b.path("name").asText()).isEqualTo("down");
                assertThat(b.path("reachable").asBoolean()).isFalse();
            });
            assertThat(backends.toString()).doesNotContain("sk-do-not-leak-me");
            assertThat(gateway.admin("GET", "/admin/models", null).path("data"))
                    .anySatisfy(m -> assertThat(m.path("name").asText()).isEqualTo("llama3.2:1b"));
        }
    }

    @Test
    void keysAreStoredOnlyAsHashes(@TempDir Path dir) throws Exception {
        String key;
        try (TestGateway gateway = TestGateway.start(dir)) {
            key = gateway.userWithKey("judy@example.com", List.of("*"));
            assertThat(gateway.admin("GET", "/admin/keys", null).toString()).doesNotContain(key);
        }
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("palisade.db"))
                    .toList()) {
                String content = new String(
                        java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(content).as(file.toString()).doesNotContain(key).doesNotContain(TestGateway.ADMIN_KEY);
            }
        }
    }
}
