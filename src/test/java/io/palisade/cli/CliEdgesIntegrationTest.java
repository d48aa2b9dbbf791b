package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Palisade;
import io.palisade.TestGateway;
import io.palisade.config.ConfigLoader;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 15 item 19: help, completion, encoded admin paths, one-line errors, discovered models, CSV export. */
class CliEdgesIntegrationTest {
    @Test
    void everySubcommandTakesHelp() {
        for (List<String> command : List.of(
                List.of("admin", "users", "approve"),
                List.of("config", "check"),
                List.of("models", "status"),
                List.of("eval", "run"),
                List.of("audit", "export"),
                List.of("serve"))) {
            List<String> arguments = new java.util.ArrayList<>(command);
            arguments.add("--help");
            CliRun run = CliRun.of(arguments.toArray(String[]::new));
            assertThat(run.exit()).as(command + ": " + run.err()).isZero();
            assertThat(run.out()).contains("Usage: palisade " + String.join(" ", command));
        }
        CliRun help = CliRun.of("help", "admin");
        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).contains("Usage: palisade admin");
    }

    @Test
    void completionPrintsABashAndZshScriptForTheWholeTree() {
        CliRun run = CliRun.of("completion");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("complete -F", "_picocli_palisade", "bashcompinit", "approve", "--admin-key");
    }

    @Test
    void anUnexpectedFailureIsOneLineNotAStackTrace() {
        @CommandLine.Command(name = "boom")
        class Boom implements Runnable {
            @Override
            public void run() {
                throw new IllegalStateException("went wrong\nsecond line");
            }
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine line = PalisadeCommand.commandLine().addSubcommand("boom", new Boom());
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        int exit = line.execute("boom");
        assertThat(exit).isEqualTo(PalisadeCommand.EXIT_FAILURE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("palisade: boom failed: IllegalStateException: went wrong" + System.lineSeparator());
    }

    @Test
    void pathArgumentsAreEncodedAndAnExportNamedCsvIsCsv(@TempDir Path dir) throws Exception {
        try (TestGateway gateway = TestGateway.start(dir)) {
            String[] server = {"--url", gateway.baseUrl(), "--admin-key", TestGateway.ADMIN_KEY};
            CliRun approve =
                    CliRun.of(concat(new String[] {"admin", "users", "approve", "a b/../../keys?x#y"}, server));
            assertThat(approve.exit()).isEqualTo(PalisadeCommand.EXIT_FAILURE);
            assertThat(approve.err().lines().toList()).as(approve.err()).hasSize(1);
            assertThat(approve.err()).startsWith("palisade: HTTP 404").doesNotContain("Exception");

            gateway.userWithKey("csv@example.com", List.of("llama3.2:1b"));
            Path export = dir.resolve("csv user.csv");
            CliRun delete = CliRun.of(concat(
                    new String[] {"admin", "users", "delete", "csv@example.com", "--export", export.toString()},
                    server));
            assertThat(delete.exit()).as(delete.err()).isZero();
            assertThat(Files.readString(export)).startsWith("seq,at,request_id,");
        }
    }

    @Test
    void modelsStatusListsDiscoveredModels(@TempDir Path dir) throws Exception {
        try (Simulator simulator = new Simulator(SimulatorConfig.defaults()).start();
                Palisade palisade = Palisade.start(
                        new ConfigLoader(Map.of())
                                .parse("""
                        server: {port: 0}
                        store: {url: "sqlite:%s"}
                        admin: {key: "%s"}
                        backends:
                          - {name: local, kind: ollama, url: "%s"}
                        """.formatted(dir.resolve("p.db"), TestGateway.ADMIN_KEY, simulator.baseUrl())),
                        Clock.systemUTC())) {
            String[] command = {
                "models", "status", "--url", "http://127.0.0.1:" + palisade.port(), "--admin-key", TestGateway.ADMIN_KEY
            };
            CliRun status = CliRun.of(command);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!status.out().contains("llama3.2:1b  (discovered)") && System.nanoTime() < deadline) {
                status = CliRun.of(command); // discovery may still be running: ask again until it has listed the models
            }
            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(status.out()).contains("llama3.2:1b  (discovered)").contains("local/llama3.2:1b");
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = new String[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
