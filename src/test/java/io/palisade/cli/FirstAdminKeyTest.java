package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Palisade;
import io.palisade.config.ConfigLoader;
import io.palisade.config.PalisadeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both ways the first administrator key reaches the operator; {@link ServeFirstStartTest} runs the real non-interactive serve. */
class FirstAdminKeyTest {
    @Test
    void offATerminalTheKeyGoesToAPrivateFileAndOnlyItsPathIsPrinted(@TempDir Path dir) throws Exception {
        PalisadeConfig config = new ConfigLoader(Map.of()).parse("""
                server: {port: 0}
                store: {url: "sqlite:%s"}
                backends: [{name: none, kind: openai, url: "http://127.0.0.1:9", discover_models: false}]
                """.formatted(dir.resolve("data/palisade.db")));
        try (Palisade palisade = Palisade.start(config, Clock.systemUTC())) {
            String key = palisade.bootstrapAdminKey().orElseThrow();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();

            FirstAdminKey.announce(
                    key, false, dir.resolve("data"), new PrintStream(printed, true, StandardCharsets.UTF_8));

            Path file = dir.resolve("data/admin-key").toAbsolutePath();
            String output = printed.toString(StandardCharsets.UTF_8);
            assertThat(output).doesNotContain(key).doesNotContain("pal_").contains(file.toString());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            String stored = Files.readString(file).strip();
            assertThat(stored).isEqualTo(key);
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> users = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + palisade.port() + "/admin/users"))
                                .header("Authorization", "Bearer " + stored)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(users.statusCode()).as("the key in the file works").isEqualTo(200);
            }

            ByteArrayOutputStream later = new ByteArrayOutputStream();
            FirstAdminKey.remindIfLeftBehind(dir.resolve("data"), new PrintStream(later, true, StandardCharsets.UTF_8));
            assertThat(later.toString(StandardCharsets.UTF_8))
                    .contains("delete the file")
                    .doesNotContain(key);
        }
    }

    @Test
    void onATerminalTheKeyIsShownOnceAndNoFileIsWritten(@TempDir Path dir) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        FirstAdminKey.announce("pal_abc_secret", true, dir, new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("pal_abc_secret")
                .contains("shown only this once");
        assertThat(dir.resolve("admin-key")).doesNotExist();
    }
}
