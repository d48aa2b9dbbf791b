package io.palisade.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Palisade;
import io.palisade.config.ConfigLoader;
import io.palisade.config.PalisadeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminBootstrapTest {
    @Test
    void firstStartCreatesAnAdminKeyOnceAndItWorks(@TempDir Path dir) throws Exception {
        PalisadeConfig config = new ConfigLoader(Map.of()).parse("""
                server: {port: 0}
                store: {url: "sqlite:%s"}
                backends: [{name: none, kind: openai, url: "http://127.0.0.1:9", discover_models: false}]
                """.formatted(dir.resolve("p.db")));
        String key;
        try (Palisade first = Palisade.start(config, Clock.systemUTC())) {
            key = first.bootstrapAdminKey().orElseThrow();
            assertThat(key).startsWith("pal_");
            var client = java.net.http.HttpClient.newHttpClient();
            var response = client.send(
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://127.0.0.1:" + first.port() + "/admin/users"))
                            .header("Authorization", "Bearer " + key)
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("admin@palisade.local");
        }
        try (Palisade second = Palisade.start(config, Clock.systemUTC())) {
            assertThat(second.bootstrapAdminKey())
                    .as("shown once: a restart creates nothing")
                    .isEmpty();
        }
    }

    @Test
    void aConfiguredAdminKeyIsRegisteredByHash(@TempDir Path dir) {
        PalisadeConfig config = new ConfigLoader(Map.of("PALISADE_ADMIN_KEY", "a-long-operator-chosen-admin-secret"))
                .parse("""
                server: {port: 0}
                store: {url: "sqlite:%s"}
                backends: [{name: none, kind: openai, url: "http://127.0.0.1:9", discover_models: false}]
                """.formatted(dir.resolve("p.db")));
        try (Palisade palisade = Palisade.start(config, Clock.systemUTC())) {
            assertThat(palisade.bootstrapAdminKey()).isEmpty();
        }
        PalisadeConfig tooShort = new ConfigLoader(Map.of("PALISADE_ADMIN_KEY", "short"))
                .parse("store: {url: \"sqlite:%s\"}".formatted(dir.resolve("q.db")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Palisade.start(tooShort, Clock.systemUTC()))
                .hasMessageContaining("admin.key")
                .hasMessageContaining("at least 24");
    }
}
