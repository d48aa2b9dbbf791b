package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {
    @Test
    void aValidConfigIsDescribedWithoutItsSecrets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(file, """
                backends:
                  - {name: cloud, kind: openai, url: "https://api.example.com/v1", api_key: "sk-inline-secret-value"}
                models:
                  - {name: gpt, backend: cloud, upstream_model: gpt-4o-mini}
                """);
        CliRun result = CliRun.of("config", "check", "--config", file.toString());
        assertThat(result.exit()).isZero();
        assertThat(result.out())
                .contains("config OK")
                .contains("cloud (openai)")
                .contains("gpt -> cloud/gpt-4o-mini")
                .contains("<secret from inline>")
                .doesNotContain("sk-inline-secret-value");
    }

    @Test
    void aPostgresqlStoreIsShownWithoutItsPassword(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(
                file,
                "store: {url: \"postgresql://palisade:pg-secret-value@db.internal:5432/palisade?sslmode=require\"}\n");
        CliRun result = CliRun.of("config", "check", "--config", file.toString());
        assertThat(result.exit()).isZero();
        assertThat(result.out())
                .contains("store:    postgresql://palisade:***@db.internal:5432/palisade?sslmode=require")
                .doesNotContain("pg-secret-value");
    }

    @Test
    void anInvalidConfigExits2NamingTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(file, "server:\n  port: many\n");
        CliRun result = CliRun.of("config", "check", "--config", file.toString());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("server.port: expected a whole number, got 'many'");
    }

    @Test
    void everyProblemIsListedAndTheExitIsNonZero(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(file, "server:\n  port: many\nserver:\n  host: 0.0.0.0\nlogging: {format: xml}\n");
        CliRun result = CliRun.of("config", "check", "--config", file.toString());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.out()).doesNotContain("config OK");
        assertThat(result.err())
                .contains("3 problems in the configuration:")
                .contains(file + ":3:1: server: duplicate key (first written at line 1)")
                .contains(file + ":2:3: server.port: expected a whole number, got 'many'")
                .contains(file + ":5:11: logging.format: expected console or json, got 'xml'")
                .doesNotContain("Exception");
    }
}
