package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.cli.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, erasure end to end on a real gateway with prompt capture on: after the user's audit
 * was exported, {@code POST /admin/erasures} removes their email, address, prompts and answers
 * from the users, usage and audit tables, the chain still verifies, the erasure itself is an
 * audit record naming the erased user by id, and the erased values are in no file of the store.
 */
class ErasureIntegrationTest {
    private static final String EMAIL = "zoe.erasable@example.com";
    private static final String PROMPT = "my-secret-medical-question-4711";
    private static final String CHAT =
            "{\"model\":\"qwen3:0.6b\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";

    @Test
    void anErasedUsersPersonalDataIsGoneFromTheStoreAndTheChainStillVerifies(@TempDir Path dir) throws IOException {
        Path store = dir.resolve("palisade.db");
        try (TestGateway gateway = TestGateway.start(dir, "audit: {content: full}")) {
            String key = gateway.userWithKey(EMAIL, List.of("qwen3:0.6b"));
            HttpResponse<String> answer = gateway.post("/v1/chat/completions", key, CHAT);
            assertThat(answer.statusCode()).isEqualTo(200);
            List<JsonNode> records = gateway.awaitApiRecords(1);
            assertThat(records.getFirst().path("user").asText()).isEqualTo(EMAIL);
            assertThat(records.getFirst().path("prompt").asText()).contains(PROMPT);
            String userId = records.getFirst().path("user_id").asText();
            assertThat(bytesOf(store)).as("the test's own premise").contains(EMAIL);

            HttpResponse<String> refused =
                    gateway.post("/admin/erasures", TestGateway.ADMIN_KEY, "{\"user\":\"" + EMAIL + "\"}");
            assertThat(refused.statusCode())
                    .as("export before erasure, as before deletion: " + refused.body())
                    .isEqualTo(409);
            HttpResponse<String> malformed = gateway.post("/admin/erasures", TestGateway.ADMIN_KEY, "{\"user\": 7}");
            assertThat(malformed.statusCode()).isEqualTo(400);
            assertThat(TestGateway.json(malformed.body())
                            .path("error")
                            .path("param")
                            .asText())
                    .isEqualTo("user");

            String export = gateway.get("/admin/audit/export?format=jsonl&user=" + EMAIL, TestGateway.ADMIN_KEY)
                    .body();
            assertThat(export).contains(PROMPT);
            JsonNode erased = gateway.admin("POST", "/admin/erasures", "{\"user\":\"" + EMAIL + "\"}");

            assertThat(erased.path("user_id").asText()).isEqualTo(userId);
            assertThat(erased.path("audit_records_erased").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(erased.path("audit_records_kept").asLong()).isZero();
            assertThat(erased.path("store_scrubbed").asBoolean()).isTrue();
            JsonNode request = gateway.auditRecords().stream()
                    .filter(r -> r.path("request_id")
                            .asText()
                            .equals(records.getFirst().path("request_id").asText()))
                    .findFirst()
                    .orElseThrow();
            assertThat(request.has("user")).isFalse();
            assertThat(request.has("prompt")).isFalse();
            assertThat(request.has("response")).isFalse();
            assertThat(request.has("client")).isFalse();
            assertThat(request.path("personal_data_erased_at").asText()).isNotEmpty();
            assertThat(request.path("user_id").asText())
                    .as("the pseudonymous id stays")
                    .isEqualTo(userId);
            JsonNode erasureRecord = gateway.auditRecords().stream()
                    .filter(r -> "users.erase".equals(r.path("action").asText()))
                    .reduce((first, second) -> second)
                    .orElseThrow();
            assertThat(erasureRecord.path("status").asInt()).isEqualTo(200);
            assertThat(erasureRecord.path("details").path("user_id").asText()).isEqualTo(userId);
            assertThat(erasureRecord.toString()).doesNotContain(EMAIL);
            assertThat(gateway.admin("GET", "/admin/users", null).toString()).doesNotContain(EMAIL);
            assertThat(gateway.post("/v1/chat/completions", key, CHAT).statusCode())
                    .as("the erased user's key is gone")
                    .isEqualTo(401);

            JsonNode verify = gateway.admin("GET", "/admin/audit/verify", null);
            assertThat(verify.path("intact").asBoolean()).as(verify.toString()).isTrue();
        }
        CliRun verify = CliRun.of("audit", "verify", "--store", "sqlite:" + store);
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        String files = bytesOf(store);
        assertThat(files).doesNotContain(EMAIL).doesNotContain(PROMPT);
    }

    /** Every file of the store (the database, its log and shared memory) as one string of bytes. */
    private static String bytesOf(Path store) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Stream<Path> files = Files.list(store.getParent())) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("palisade.db"))
                    .toList()) {
                all.write(Files.readAllBytes(file));
            }
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
