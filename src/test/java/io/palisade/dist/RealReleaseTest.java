package io.palisade.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.store.Database;
import io.palisade.store.FutureMigration;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host scripts with releases whose bin/palisade is the real CLI: {@code palisade store schema}
 * on a store a newer release migrated (a row above this build's newest migration in Flyway's
 * history), the rollback it refuses, {@code serve} refusing that store, and a purge's real export.
 */
class RealReleaseTest {
    @TempDir
    Path dir;

    private HostRoot host;
    private String storeUrl;

    @BeforeEach
    void installRealRelease() throws Exception {
        host = new HostRoot(dir);
        HostRoot.Run install = host.run(host.realRelease("1.0.0"), "install.sh");
        assertThat(install.exit()).as(install.output()).isZero();
        storeUrl = "sqlite:" + dir.resolve("data/palisade.db");
        Files.writeString(host.config(), """
                server: {host: 127.0.0.1, port: 0}
                store: {url: "%s"}
                backends: [{name: none, kind: openai, url: "http://127.0.0.1:9", discover_models: false}]
                """.formatted(storeUrl));
        Database.open(storeUrl).close();
        host.forgetCalls();
    }

    @AfterEach
    void closeRoot() {
        host.close();
    }

    private HostRoot.Run palisade(String... arguments) throws Exception {
        String[] all = new String[arguments.length];
        System.arraycopy(arguments, 0, all, 0, arguments.length);
        return host.run(host.opt().resolve("current"), "bin/palisade", all);
    }

    @Test
    void storeSchemaReportsACompatibleStoreThenOneANewerReleaseMigrated() throws Exception {
        HostRoot.Run compatible =
                palisade("store", "schema", "--config", host.config().toString());
        assertThat(compatible.exit()).as(compatible.output()).isZero();
        var answer = new ObjectMapper().readTree(compatible.output());
        int release = answer.path("release_schema").asInt();
        assertThat(release).isPositive();
        assertThat(answer.path("store_schema").asInt()).isEqualTo(release);
        assertThat(answer.path("compatible").asBoolean()).isTrue();

        FutureMigration.applyTo(storeUrl, release + 1);
        HostRoot.Run newer =
                palisade("store", "schema", "--config", host.config().toString());

        assertThat(newer.exit()).as(newer.output()).isEqualTo(4);
        assertThat(new ObjectMapper().readTree(newer.output()))
                .isEqualTo(new ObjectMapper()
                        .readTree("{\"store_schema\":" + (release + 1) + ",\"release_schema\":" + release
                                + ",\"compatible\":false}"));
    }

    @Test
    void theRollbackIsRefusedWhenTheRealOlderReleaseCannotReadTheStore() throws Exception {
        HostRoot.Run upgrade = host.run(
                host.recorderRelease("1.1.0", HostRoot.Answers.passing()),
                "upgrade.sh",
                "--skip-backup",
                "--skip-smoke",
                "--url",
                host.url(),
                "--attempts",
                "5");
        assertThat(upgrade.exit()).as(upgrade.output()).isZero();
        int release = Database.schemaStatus(storeUrl).releaseNumber().intValueExact();
        // What 1.1.0 would have done to the store: a migration 1.0.0 (this build) does not have.
        FutureMigration.applyTo(storeUrl, release + 1);
        host.forgetCalls();

        HostRoot.Run run = host.run(host.opt().resolve("current"), "rollback.sh", "--url", host.url());

        assertThat(run.exit()).as(run.output()).isEqualTo(4);
        assertThat(run.output())
                .contains("REFUSED")
                .contains("\"store_schema\":" + (release + 1))
                .contains("Nothing was changed");
        assertThat(host.linked("current")).isEqualTo("1.1.0");
        assertThat(host.systemctlCalls()).isEmpty();
    }

    @Test
    void serveRefusesToStartOnAStoreANewerReleaseMigrated() throws Exception {
        int release = Database.schemaStatus(storeUrl).releaseNumber().intValueExact();
        FutureMigration.applyTo(storeUrl, release + 1);

        Process serve = new ProcessBuilder(
                        host.opt().resolve("current/bin/palisade").toString(),
                        "serve",
                        "--config",
                        host.config().toString())
                .redirectErrorStream(true)
                .start();
        // Before the fix serve started and kept running: the bound ends it so the test fails on its output.
        CompletableFuture.delayedExecutor(2, TimeUnit.MINUTES).execute(serve::destroyForcibly);
        String output;
        try (InputStream out = serve.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(serve.waitFor(1, TimeUnit.MINUTES)).isTrue();

        assertThat(output)
                .contains("schema is at version " + (release + 1) + ", newer than this release's (" + release + ")")
                .doesNotContain("listening");
        assertThat(serve.exitValue()).as(output).isEqualTo(2);
    }

    @Test
    void purgeExportsTheRealAuditFirst() throws Exception {
        Path export = dir.resolve("audit-export.jsonl");

        HostRoot.Run run =
                host.run(host.opt().resolve("current"), "uninstall.sh", "--purge", "--audit-export", export.toString());

        assertThat(run.exit()).as(run.output()).isZero();
        // A store that audited nothing exports nothing: accepted because `audit verify` counts 0 records.
        assertThat(export).exists().isEmptyFile();
        assertThat(host.root.resolve("etc/palisade")).doesNotExist();
        assertThat(host.opt()).doesNotExist();
    }
}
