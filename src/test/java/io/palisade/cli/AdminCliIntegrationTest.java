package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin CLI against a running server: the commands the README walks through. */
class AdminCliIntegrationTest {
    @Test
    void usersKeysAndAuditFromTheCommandLine(@TempDir Path dir) throws Exception {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String[] server = {"--url", gateway.baseUrl(), "--admin-key", TestGateway.ADMIN_KEY};
            CliRun team = CliRun.of(
                    concat(new String[] {"admin", "teams", "create", "research", "--models", "qwen3*"}, server));
            assertThat(team.exit()).as(team.err()).isZero();
            CliRun user = CliRun.of(
                    concat(new String[] {"admin", "users", "create", "lee@example.com", "--team", "research"}, server));
            assertThat(user.exit()).as(user.err()).isZero();
            assertThat(user.out())
                    .contains("lee@example.com")
                    .contains("research")
                    .contains("active");

            CliRun key = CliRun.of(concat(
                    new String[] {
                        "admin",
                        "keys",
                        "create",
                        "--user",
                        "lee@example.com",
                        "--models",
                        "llama3.2:1b",
                        "--rpm",
                        "30",
                        "--label",
                        "notebook"
                    },
                    server));
            assertThat(key.exit()).as(key.err()).isZero();
            String token = key.out().lines().skip(1).findFirst().orElseThrow().replaceAll(".*(pal_\\S+).*", "$1");
            assertThat(gateway.post(
                                    "/v1/chat/completions",
                                    token,
                                    "{\"model\":\"qwen3:0.6b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                            .statusCode())
                    .as("team grant applies")
                    .isEqualTo(200);

            CliRun list =
                    CliRun.of(concat(new String[] {"admin", "keys", "list", "--user", "lee@example.com"}, server));
            assertThat(list.out()).contains("notebook").contains("30").doesNotContain(token);
            CliRun models = CliRun.of(concat(new String[] {"admin", "models", "--json"}, server));
            assertThat(models.out()).contains("\"llama3.2:1b\"");

            CliRun duplicate = CliRun.of(concat(new String[] {"admin", "users", "create", "lee@example.com"}, server));
            assertThat(duplicate.exit()).isEqualTo(1);
            assertThat(duplicate.err()).contains("HTTP 409").contains("already exists");

            gateway.awaitApiRecords(1);
            Path export = dir.resolve("lee.jsonl");
            CliRun remoteExport = CliRun.of(concat(
                    new String[] {
                        "audit", "export", "--remote", "--user", "lee@example.com", "--output", export.toString()
                    },
                    server));
            assertThat(remoteExport.exit()).as(remoteExport.err()).isZero();
            assertThat(Files.readString(export)).contains("lee@example.com");
            CliRun delete = CliRun.of(concat(new String[] {"admin", "users", "delete", "lee@example.com"}, server));
            assertThat(delete.exit())
                    .as("exported, so deletable: " + delete.err())
                    .isZero();

            CliRun limits = CliRun.of(concat(
                    new String[] {
                        "admin",
                        "limits",
                        "set",
                        "team",
                        "research",
                        "{\"tokens_per_minute\":9000,\"budgets\":[{\"period\":\"month\",\"cost\":25}]}"
                    },
                    server));
            assertThat(limits.exit()).as(limits.err()).isZero();
            assertThat(CliRun.of(concat(new String[] {"admin", "limits", "show", "team", "research"}, server))
                            .out())
                    .contains("\"tokens_per_minute\" : 9000")
                    .contains("\"period\" : \"month\"");
            CliRun badLimits = CliRun.of(concat(
                    new String[] {"admin", "limits", "set", "team", "research", "{\"tokens_per_minit\":1}"}, server));
            assertThat(badLimits.exit()).isEqualTo(1);
            assertThat(badLimits.err()).contains("unknown limit 'tokens_per_minit'");
            gateway.palisade.flushUsage();
            CliRun usage = CliRun.of(concat(new String[] {"usage", "--by", "user,model"}, server));
            assertThat(usage.exit()).as(usage.err()).isZero();
            assertThat(usage.out()).contains("user").contains("total_tokens").contains("qwen3:0.6b");
            CliRun usageCsv = CliRun.of(concat(new String[] {"usage", "--by", "day", "--format", "csv"}, server));
            assertThat(usageCsv.out()).startsWith("day,requests");

            CliRun status = CliRun.of(concat(new String[] {"status"}, server));
            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(status.out()).contains("local").contains("down").contains("ready: at least one backend answers");

            CliRun verify = CliRun.of(concat(new String[] {"audit", "verify", "--remote"}, server));
            assertThat(verify.exit()).isZero();
            assertThat(verify.out()).contains("intact");
        }
    }

    @Test
    void anUnreachableServerIsAUsageErrorNotAStackTrace() {
        CliRun run = CliRun.of("admin", "users", "list", "--url", "http://127.0.0.1:9", "--admin-key", "x".repeat(30));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .contains("cannot reach Palisade at http://127.0.0.1:9")
                .doesNotContain("Exception");
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = new String[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
