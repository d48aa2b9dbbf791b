package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code palisade serve} started as a service would be, its output a pipe (a log collector): the
 * first administrator key is not printed but written to a 0600 file in the 0700 data directory,
 * and the store's files are 0600. Runs the real command in its own JVM.
 */
class ServeFirstStartTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aNonInteractiveFirstStartWritesTheKeyToAPrivateFileAndPrintsOnlyItsPath(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path config = dir.resolve("palisade.yaml");
        Files.writeString(config, """
                server: {port: 0}
                store: {url: "sqlite:%s"}
                backends: [{name: none, kind: openai, url: "http://127.0.0.1:9", discover_models: false}]
                """.formatted(data.resolve("palisade.db")));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process serve = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.palisade.cli.Main",
                        "serve",
                        "--config",
                        config.toString())
                .redirectErrorStream(true)
                .start();
        // Bounds a serve that never says where the key is: killing it ends the output, and the test fails on what it
        // printed.
        CompletableFuture.delayedExecutor(2, TimeUnit.MINUTES).execute(serve::destroyForcibly);
        List<String> output = new ArrayList<>();
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
            String port = null;
            // Reads until serve has said where the key is (or ended): the condition, not a time.
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    port = listening.group(1);
                }
                if (line.contains("PALISADE_ADMIN_KEY")) {
                    break;
                }
            }
            Path keyFile = data.resolve("admin-key");
            assertThat(String.join("\n", output))
                    .as("serve's output")
                    .contains(keyFile.toString())
                    .doesNotContain("pal_");
            assertThat(permissions(keyFile)).isEqualTo("rw-------");
            assertThat(permissions(data)).isEqualTo("rwx------");
            for (String file : List.of("palisade.db", "palisade.db-wal", "palisade.db-shm")) {
                assertThat(permissions(data.resolve(file))).as(file).isEqualTo("rw-------");
            }
            String key = Files.readString(keyFile).strip();
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> users = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/users"))
                                .header("Authorization", "Bearer " + key)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(users.statusCode()).as("the key in the file works").isEqualTo(200);
            }
        } finally {
            serve.destroy();
            if (!serve.waitFor(30, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
    }
}
