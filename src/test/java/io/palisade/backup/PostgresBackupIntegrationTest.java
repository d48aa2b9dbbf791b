package io.palisade.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.TestPostgres;
import io.palisade.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/backup.md's PostgreSQL procedure, run for real (libpq takes the store URL as it is): {@code palisade backup} refuses a PostgreSQL
 * store and names the procedure; a manifest is taken, the database dumped with pg_dump and restored
 * with pg_restore into a new database, and {@code palisade backup verify} checks the copy against the
 * manifest; a row altered in the copy fails that check.
 */
@Timeout(180)
class PostgresBackupIntegrationTest {
    private static final String CHAT =
            "{\"model\":\"llama3.2:1b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    @Test
    void aPgDumpRestoredIntoANewDatabaseVerifiesAgainstTheManifest() throws Exception {
        Path manifest = dir.resolve("palisade.manifest.json");
        Path dump = dir.resolve("palisade.dump");
        String source;
        try (TestGateway gateway = TestGateway.startOnPostgres()) {
            source = gateway.storeUrl();
            String key = gateway.userWithKey("erin@example.com", List.of("llama3.2:1b"));
            for (int i = 0; i < 3; i++) {
                assertThat(gateway.post("/v1/chat/completions", key, CHAT).statusCode())
                        .isEqualTo(200);
            }
            gateway.awaitApiRecords(3);

            CliRun refused = CliRun.of(
                    "backup",
                    "--store",
                    source,
                    "--output",
                    dir.resolve("x.zip").toString());
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("pg_dump").contains("docs/backup.md");
            assertThat(dir.resolve("x.zip")).doesNotExist();

            // While it serves: the manifest first, then the dump (which then holds at least the manifest's head).
            CliRun taken = CliRun.of("backup", "manifest", "--store", source, "--output", manifest.toString());
            assertThat(taken.exit()).as(taken.out() + taken.err()).isZero();
            run(List.of(binary("pg_dump"), "--format=custom", "--file=" + dump, source));
        }
        JsonNode written = BackupFiles.JSON.readTree(manifest.toFile());
        assertThat(written.path("store").path("kind").asText()).isEqualTo("postgresql");
        assertThat(written.path("audit").path("records").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(written.has("database")).isFalse();

        String copy = TestPostgres.newDatabaseUrl();
        run(List.of(binary("pg_restore"), "--no-owner", "--exit-on-error", "--dbname=" + copy, dump.toString()));
        CliRun verified = CliRun.of("backup", "verify", "--store", copy, "--manifest", manifest.toString());
        assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
        assertThat(verified.out()).contains("the store matches the manifest");
        CliRun chain = CliRun.of("audit", "verify", "--store", copy);
        assertThat(chain.exit()).as(chain.out()).isZero();

        try (Connection connection =
                        DriverManager.getConnection("jdbc:" + copy.replace("postgres@", ""), "postgres", null);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "UPDATE audit_events SET personal = replace(personal, 'erin@example.com', 'eve@example.com')"
                            + " WHERE seq = (SELECT MIN(seq) FROM audit_events WHERE personal LIKE '%erin@example.com%')");
        }
        CliRun tampered = CliRun.of("backup", "verify", "--store", copy, "--manifest", manifest.toString());
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.out()).contains("MISMATCH: the audit chain does not verify");
    }

    private static String binary(String name) throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(version -> version.resolve("bin").resolve(name))
                    .filter(Files::isExecutable)
                    .max(Path::compareTo)
                    .orElseThrow(() -> new IllegalStateException("no " + name + " under /usr/lib/postgresql"))
                    .toString();
        }
    }

    private void run(List<String> command) throws Exception {
        Path log = Files.createTempFile(dir, "command-", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("%s finished", command)
                .isTrue();
        assertThat(process.exitValue())
                .as("%s: %s", command, Files.readString(log))
                .isZero();
    }
}
