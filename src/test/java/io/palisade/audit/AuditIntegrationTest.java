package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.TestGateway;
import io.palisade.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Who called what, including who was refused", proven from the audit. */
class AuditIntegrationTest {
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void allowedAndDeniedRequestsAreAttributedAndUnknownCallersFingerprinted(@TempDir Path dir) {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String alice = gateway.userWithKey("alice@example.com", List.of("qwen3:0.6b"));
            String bob = gateway.userWithKey("bob@example.com", List.of("llama3.2:1b"));
            assertThat(gateway.post("/v1/chat/completions", alice, CHAT.formatted("qwen3:0.6b"))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(gateway.post("/v1/chat/completions", alice, CHAT.formatted("llama3.2:1b"))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(gateway.post("/v1/chat/completions", bob, CHAT.formatted("llama3.2:1b"))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(gateway.post("/v1/chat/completions", bob, CHAT.formatted("qwen3:0.6b"))
                            .statusCode())
                    .isEqualTo(403);
            String forged = "pal_forgedforged_this-is-not-a-real-secret";
            assertThat(gateway.post("/v1/chat/completions", forged, CHAT.formatted("qwen3:0.6b"))
                            .statusCode())
                    .isEqualTo(401);

            List<JsonNode> records = gateway.awaitApiRecords(5);
            assertThat(records).hasSize(5);
            assertThat(records)
                    .allSatisfy(r -> assertThat(r.path("complete").asBoolean()).isTrue());

            JsonNode aliceAllowed = records.get(0);
            assertThat(aliceAllowed.path("user").asText()).isEqualTo("alice@example.com");
            assertThat(aliceAllowed.path("decision").asText()).isEqualTo("allowed");
            assertThat(aliceAllowed.path("status").asInt()).isEqualTo(200);
            assertThat(aliceAllowed.path("backend").asText()).isEqualTo("local");
            assertThat(aliceAllowed.path("key_id").asText()).isNotBlank();
            assertThat(aliceAllowed.path("prompt_tokens").asInt()).isPositive();

            JsonNode aliceDenied = records.get(1);
            assertThat(aliceDenied.path("user").asText()).isEqualTo("alice@example.com");
            assertThat(aliceDenied.path("key_id").asText())
                    .isEqualTo(aliceAllowed.path("key_id").asText());
            assertThat(aliceDenied.path("decision").asText()).isEqualTo("denied");
            assertThat(aliceDenied.path("reason").asText()).isEqualTo("model_access_denied");
            assertThat(aliceDenied.path("model").asText()).isEqualTo("llama3.2:1b");
            assertThat(aliceDenied.path("status").asInt()).isEqualTo(403);

            assertThat(records.get(3).path("user").asText()).isEqualTo("bob@example.com");
            assertThat(records.get(3).path("reason").asText()).isEqualTo("model_access_denied");

            JsonNode unknown = records.get(4);
            assertThat(unknown.path("caller").asText()).isEqualTo("unidentified");
            assertThat(unknown.has("user")).isFalse();
            assertThat(unknown.path("reason").asText()).isEqualTo("invalid_api_key");
            assertThat(unknown.path("presented_key_fingerprint").asText()).startsWith("sha256:");
            assertThat(unknown.toString()).doesNotContain("this-is-not-a-real-secret");
            assertThat(gateway.get("/admin/audit/export?format=jsonl", TestGateway.ADMIN_KEY)
                            .body())
                    .contains("invalid_api_key")
                    .doesNotContain("not-a-real-secret");
        }
    }

    @Test
    void verifyPassesAndThenNamesTheRecordEditedInTheSqliteFile(@TempDir Path dir) throws Exception {
        String storeUrl;
        try (TestGateway gateway = TestGateway.start(dir)) {
            String key = gateway.userWithKey("carol@example.com", List.of("llama3.2:1b"));
            for (int i = 0; i < 3; i++) {
                gateway.post("/v1/chat/completions", key, CHAT.formatted("llama3.2:1b"));
            }
            gateway.post("/v1/chat/completions", "nope", CHAT.formatted("llama3.2:1b"));
            gateway.awaitApiRecords(4);
            assertThat(gateway.admin("GET", "/admin/audit/verify", null)
                            .path("intact")
                            .asBoolean())
                    .isTrue();
            storeUrl = gateway.storeUrl();
        }
        CliRun clean = CliRun.of("audit", "verify", "--store", storeUrl);
        assertThat(clean.exit()).as(clean.out()).isZero();
        assertThat(clean.out()).contains("audit chain intact");

        Path file = Path.of(storeUrl.substring("sqlite:".length()));
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    // The email is personal data, kept apart from the body since format 2 (docs/security.md).
                    "UPDATE audit_events SET personal = replace(personal, 'carol@example.com', 'mallory@example.com')"
                            + " WHERE seq = "
                            + "(SELECT MIN(seq) FROM audit_events WHERE kind = 'started')");
        }
        CliRun tampered = CliRun.of("audit", "verify", "--store", storeUrl);
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.out()).contains("BROKEN at record").contains("altered");

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "UPDATE audit_events SET personal = replace(personal, 'mallory@example.com', 'carol@example.com')");
            assertThat(CliRun.of("audit", "verify", "--store", storeUrl).exit()).isZero();
            statement.executeUpdate("DELETE FROM audit_events WHERE seq = 3");
        }
        CliRun removed = CliRun.of("audit", "verify", "--store", storeUrl);
        assertThat(removed.exit()).isEqualTo(1);
        assertThat(removed.out()).contains("BROKEN at record 4").contains("removed");
    }

    /**
     * Issue 15, item 3: deleting the newest rows leaves an internally consistent chain, so before
     * checkpoints `audit verify` said "intact". The gateway's checkpoint file (next to the SQLite
     * file) anchors the head it had committed; verify now names the missing tail.
     */
    @Test
    void deletingTheNewestRecordsIsReportedAsAMissingTail(@TempDir Path dir) throws Exception {
        String storeUrl;
        try (TestGateway gateway = TestGateway.start(dir)) {
            String key = gateway.userWithKey("erin@example.com", List.of("llama3.2:1b"));
            for (int i = 0; i < 3; i++) {
                gateway.post("/v1/chat/completions", key, CHAT.formatted("llama3.2:1b"));
            }
            gateway.awaitApiRecords(3);
            storeUrl = gateway.storeUrl();
        }
        CliRun clean = CliRun.of("audit", "verify", "--store", storeUrl);
        assertThat(clean.exit()).as(clean.out()).isZero();
        assertThat(clean.out()).contains("audit chain intact").contains("anchored up to record");

        Path file = Path.of(storeUrl.substring("sqlite:".length()));
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM audit_events WHERE seq > (SELECT MAX(seq) - 2 FROM audit_events)");
        }
        CliRun truncated = CliRun.of("audit", "verify", "--store", storeUrl);
        assertThat(truncated.exit()).as(truncated.out()).isEqualTo(1);
        assertThat(truncated.out()).contains("BROKEN").contains("are missing from the end");
    }

    /** A running replica checks the chain against its own (signed) checkpoints, through the admin API and {@code verify --remote}. */
    @Test
    void theAdminApiChecksTheChainAgainstTheReplicasSignedCheckpoints(@TempDir Path dir) throws Exception {
        try (TestGateway gateway = TestGateway.start(
                dir, "audit: {checkpoint_interval: 100ms, checkpoint_key: \"" + "s".repeat(32) + "\"}")) {
            String key = gateway.userWithKey("frank@example.com", List.of("llama3.2:1b"));
            gateway.post("/v1/chat/completions", key, CHAT.formatted("llama3.2:1b"));
            gateway.awaitApiRecords(1);
            JsonNode verified = Await.lastValue(
                    Duration.ofSeconds(10),
                    () -> gateway.admin("GET", "/admin/audit/verify", null),
                    answer -> answer.path("anchoring").path("anchored_seq").asLong()
                            >= answer.path("records").asLong(),
                    "every record anchored");
            assertThat(verified.path("intact").asBoolean())
                    .as(verified.toString())
                    .isTrue();
            assertThat(verified.path("anchoring").path("anchored_seq").asLong())
                    .isEqualTo(verified.path("records").asLong());
            assertThat(verified.path("anchoring").path("signatures_checked").asBoolean())
                    .isTrue();
            assertThat(Files.readString(dir.resolve("palisade.audit-checkpoints.jsonl")))
                    .contains("\"mac\":\"");

            long anchored = verified.path("anchoring").path("anchored_seq").asLong();
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("palisade.db"));
                    Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM audit_events WHERE seq >= " + anchored);
            }
            // The gateway keeps appending (admin calls are audited) onto the shortened chain, re-using the freed
            // numbers: the
            // chain stays consistent, but the record at the anchored seq is missing or another one, which the
            // checkpoint tells apart.
            JsonNode truncated = gateway.admin("GET", "/admin/audit/verify", null);
            assertThat(truncated.path("intact").asBoolean()).isFalse();
            assertThat(truncated
                            .path("anchoring")
                            .path("problems")
                            .get(0)
                            .path("kind")
                            .asText())
                    .isIn("missing_tail", "rewritten");
            CliRun remote = CliRun.of(
                    "audit", "verify", "--remote", "--url", gateway.baseUrl(), "--admin-key", TestGateway.ADMIN_KEY);
            assertThat(remote.exit()).as(remote.out() + remote.err()).isEqualTo(1);
            assertThat(remote.out())
                    .contains("BROKEN at record " + anchored + ":")
                    .contains("the checkpoint at " + dir.resolve("palisade.audit-checkpoints.jsonl"));
        }
    }

    @Test
    void exportBeforeDeleteAndExportFormats(@TempDir Path dir) throws Exception {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String key = gateway.userWithKey("dave@example.com", List.of("llama3.2:1b"));
            gateway.post("/v1/chat/completions", key, CHAT.formatted("llama3.2:1b"));
            gateway.post("/v1/chat/completions", key, CHAT.formatted("vllm-qwen"));
            gateway.awaitApiRecords(2);

            var refused = gateway.send(gateway.request("/admin/users/dave@example.com", TestGateway.ADMIN_KEY)
                    .DELETE());
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("never exported");

            Path csv = dir.resolve("dave.csv");
            CliRun export = CliRun.of(
                    "audit",
                    "export",
                    "--store",
                    gateway.storeUrl(),
                    "--user",
                    "dave@example.com",
                    "--format",
                    "csv",
                    "--output",
                    csv.toString());
            assertThat(export.exit()).as(export.err()).isZero();
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            assertThat(lines.get(0)).startsWith("seq,at,request_id,kind,complete,user");
            assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
            assertThat(String.join("\n", lines)).contains("model_access_denied").contains("dave@example.com");

            var deleted = gateway.send(gateway.request("/admin/users/dave@example.com", TestGateway.ADMIN_KEY)
                    .DELETE());
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
            assertThat(gateway.post("/v1/chat/completions", key, CHAT.formatted("llama3.2:1b"))
                            .statusCode())
                    .isEqualTo(401);

            String eve = gateway.userWithKey("eve@example.com", List.of("llama3.2:1b"));
            gateway.post("/v1/chat/completions", eve, CHAT.formatted("llama3.2:1b"));
            gateway.awaitApiRecords(4);
            var withExport =
                    gateway.send(gateway.request("/admin/users/eve@example.com?export=jsonl", TestGateway.ADMIN_KEY)
                            .DELETE());
            assertThat(withExport.statusCode()).isEqualTo(200);
            assertThat(withExport.body().lines().map(TestGateway::json).toList())
                    .anySatisfy(r -> assertThat(r.path("user").asText()).isEqualTo("eve@example.com"));

            String frank = gateway.userWithKey("frank@example.com", List.of("llama3.2:1b"));
            gateway.post("/v1/chat/completions", frank, CHAT.formatted("llama3.2:1b"));
            gateway.awaitApiRecords(5);
            assertThat(gateway.send(gateway.request("/admin/users/frank@example.com?force=true", TestGateway.ADMIN_KEY)
                                    .DELETE())
                            .statusCode())
                    .isEqualTo(204);
            assertThat(gateway.auditRecords()).anySatisfy(r -> {
                assertThat(r.path("action").asText()).isEqualTo("users.delete");
                assertThat(r.path("details").path("force").asText()).isEqualTo("true");
            });
        }
    }
}
