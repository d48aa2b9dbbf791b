package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.config.ConfigLoader;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.Pin;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code palisade models lock|verify} run in-process against a simulator over HTTP. */
class ModelsCommandTest {
    private static final String OLLAMA_DIGEST = "1".repeat(64);
    private static final String TGI_REVISION = "2".repeat(40);

    @TempDir
    Path dir;

    private Simulator ollama;
    private Simulator tgi;
    private Path config;

    @BeforeEach
    void start() throws Exception {
        ollama = new Simulator(SimulatorConfig.defaults().withPort(0)).start();
        tgi = new Simulator(SimulatorConfig.defaults().withPort(0)).start();
        ollama.setModelDigest("llama3.2:1b", OLLAMA_DIGEST);
        tgi.setModelDigest("llama3.2:1b", TGI_REVISION);
        config = dir.resolve("palisade.yaml");
        Files.writeString(config, """
                backends:
                  - {name: gpu1, kind: ollama, url: "%s"}
                  - {name: tgi, kind: openai, url: "%s/v1", api_key: "tgi-secret-key"}
                models:
                  - name: chat
                    backend: gpu1
                    upstream_model: 'llama3.2:1b'
                    canary: {backend: tgi, upstream_model: 'llama3.2:1b', percent: 10}
                """.formatted(ollama.baseUrl(), tgi.baseUrl()));
    }

    @AfterEach
    void stop() {
        ollama.close();
        tgi.close();
    }

    @Test
    void lockWritesWhatIsServedAndVerifyThenPasses() throws Exception {
        CliRun lock = CliRun.of("models", "lock", "--config", config.toString());

        assertThat(lock.exit()).as(lock.err()).isZero();
        Path lockFile = dir.resolve("palisade.lock.yaml");
        assertThat(lock.out())
                .contains("wrote " + lockFile.toAbsolutePath() + " (2 deployment(s))")
                .contains("gpu1/llama3.2:1b")
                .contains("ollama_digest")
                .contains("111111111111")
                .contains("tgi/llama3.2:1b")
                .contains("revision")
                .contains("222222222222")
                .doesNotContain("tgi-secret-key");
        assertThat(Files.readString(lockFile)).contains(OLLAMA_DIGEST).contains(TGI_REVISION);

        CliRun verify = CliRun.of("models", "verify", "--config", config.toString());

        assertThat(verify.exit()).as(verify.out()).isZero();
        assertThat(verify.out())
                .contains("model", "deployment", "kind", "expected", "served", "status")
                .contains("OK: all 2 pinned deployment(s) serve their pin");
        assertThat(verify.out().lines().filter(line -> line.endsWith("MATCH"))).hasSize(2);
    }

    @Test
    void aFreshConfigLoadUsesTheLockedPins() {
        assertThat(CliRun.of("models", "lock", "--config", config.toString()).exit())
                .isZero();

        PalisadeConfig loaded = new ConfigLoader(Map.of()).load(config);

        assertThat(loaded.model("chat").deployments().get(0).pin())
                .isEqualTo(new Pin(Pin.Kind.OLLAMA_DIGEST, OLLAMA_DIGEST, null));
        assertThat(loaded.model("chat").canary().deployment().pin())
                .isEqualTo(new Pin(Pin.Kind.REVISION, TGI_REVISION, null));
    }

    @Test
    void verifyFailsNamingTheDeploymentWhoseDigestChanged() throws Exception {
        assertThat(CliRun.of("models", "lock", "--config", config.toString()).exit())
                .isZero();
        ollama.setModelDigest("llama3.2:1b", "3".repeat(64));

        CliRun verify = CliRun.of("models", "verify", "--config", config.toString());

        assertThat(verify.exit()).isEqualTo(1);
        assertThat(verify.out())
                .contains("DRIFTED chat gpu1/llama3.2:1b")
                .contains("FAILED: 1 of 2 pinned deployment(s) not confirmed: chat gpu1/llama3.2:1b (drifted)");

        CliRun json = CliRun.of("models", "verify", "--json", "--config", config.toString());
        assertThat(json.exit()).isEqualTo(1);
        JsonNode answer = new ObjectMapper().readTree(json.out());
        assertThat(answer.path("ok").asBoolean()).isFalse();
        JsonNode first = answer.path("data").get(0);
        assertThat(first.path("status").asText()).isEqualTo("DRIFTED");
        assertThat(first.path("expected").asText()).isEqualTo(OLLAMA_DIGEST);
        assertThat(first.path("served").asText()).isEqualTo("3".repeat(64));
        assertThat(first.path("checked_at").asText()).isNotBlank();
        assertThat(answer.path("data").get(1).path("status").asText()).isEqualTo("MATCH");
    }

    @Test
    void lockCheckComparesWithoutWriting() throws Exception {
        CliRun unlocked = CliRun.of("models", "lock", "--check", "--config", config.toString());
        assertThat(unlocked.exit()).isEqualTo(1);
        assertThat(unlocked.out()).contains("not locked: chat gpu1/llama3.2:1b serves ollama_digest 111111111111");
        assertThat(dir.resolve("palisade.lock.yaml")).doesNotExist();

        assertThat(CliRun.of("models", "lock", "--config", config.toString()).exit())
                .isZero();
        String locked = Files.readString(dir.resolve("palisade.lock.yaml"));
        CliRun upToDate = CliRun.of("models", "lock", "--check", "--config", config.toString());
        assertThat(upToDate.exit()).as(upToDate.out()).isZero();
        assertThat(upToDate.out()).contains("OK: all 2 checked deployment(s) serve their pin");

        tgi.setModelDigest("llama3.2:1b", "4".repeat(40));
        CliRun drifted = CliRun.of("models", "lock", "--check", "--config", config.toString());
        assertThat(drifted.exit()).isEqualTo(1);
        assertThat(drifted.out())
                .contains(
                        "drifted: chat tgi/llama3.2:1b is pinned to revision 222222222222 but serves revision 444444444444")
                .contains("OUT OF DATE: 1 deployment(s)");
        assertThat(Files.readString(dir.resolve("palisade.lock.yaml"))).isEqualTo(locked);
    }

    @Test
    void lockRefusesWhenADeploymentCannotSayWhatItServesUnlessSkipped() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path lockFile = dir.resolve("locks/pins.yaml");
        Files.createDirectories(lockFile.getParent());
        Files.writeString(config, """
                backends:
                  - {name: gpu1, kind: ollama, url: "%s"}
                  - {name: down, kind: ollama, url: "http://127.0.0.1:%d", timeouts: {connect: 2s}}
                models:
                  - {name: chat, backend: gpu1, upstream_model: 'llama3.2:1b'}
                  - {name: other, backend: down, upstream_model: 'qwen3:0.6b', pin: '%s'}
                routing: {pins: {lock_file: locks/pins.yaml}}
                """.formatted(ollama.baseUrl(), closedPort, "5".repeat(64)));

        CliRun refused = CliRun.of("models", "lock", "--config", config.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).contains("cannot lock other down/qwen3:0.6b: backend 'down' is unreachable");
        assertThat(refused.err()).contains("nothing written: 1 deployment(s) cannot report what they serve");
        assertThat(lockFile).doesNotExist();

        CliRun skipped = CliRun.of("models", "lock", "--skip-unverifiable", "--config", config.toString());
        assertThat(skipped.exit()).as(skipped.err()).isZero();
        assertThat(skipped.out())
                .contains("skipped other down/qwen3:0.6b")
                .contains("wrote " + lockFile.toAbsolutePath());
        // The skipped deployment keeps the pin it had, so a backend that is down today does not lose it.
        assertThat(Files.readString(lockFile)).contains(OLLAMA_DIGEST).contains("5".repeat(64));

        CliRun verify = CliRun.of("models", "verify", "--config", config.toString());
        assertThat(verify.exit()).isEqualTo(1);
        assertThat(verify.out()).contains("UNREACHABLE other down/qwen3:0.6b").contains("(unreachable)");
    }
}
