package io.palisade.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.config.ConfigLoader;
import io.palisade.config.LockFile;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.Pin;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedPinsTest {
    private final ServedPins servedPins = new ServedPins(new GgufDigests());
    private Simulator simulator;

    @BeforeEach
    void start() {
        simulator = new Simulator(SimulatorConfig.defaults().withPort(0)).start();
        simulator.setModelDigest("llama3.2:1b", "1".repeat(64));
        simulator.setModelDigest("qwen3:0.6b", "2".repeat(64));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void locksEveryDeploymentIncludingCanariesFromWhatIsServed() {
        PalisadeConfig config = load("""
                backends:
                  - {name: gpu1, kind: ollama, url: "%1$s"}
                  - {name: tgi, kind: openai, url: "%1$s/v1"}
                models:
                  - name: chat
                    deployments:
                      - {backend: gpu1, upstream_model: 'llama3.2:1b', pin: '%2$s'}
                      - {backend: tgi, upstream_model: 'llama3.2:1b'}
                    canary: {backend: gpu1, upstream_model: 'qwen3:0.6b', percent: 10}
                """.formatted(simulator.baseUrl(), "9".repeat(64)));
        try (TestBackends backends = new TestBackends(config)) {
            ServedPins.Snapshot snapshot = servedPins.collect(config, backends.byName());

            assertThat(snapshot.unlockable()).isEmpty();
            assertThat(snapshot.entries())
                    .containsExactly(
                            new LockFile.Entry(
                                    "chat",
                                    "gpu1/llama3.2:1b",
                                    "gpu1",
                                    "llama3.2:1b",
                                    new Pin(Pin.Kind.OLLAMA_DIGEST, "1".repeat(64), null)),
                            new LockFile.Entry(
                                    "chat",
                                    "tgi/llama3.2:1b",
                                    "tgi",
                                    "llama3.2:1b",
                                    new Pin(Pin.Kind.REVISION, "1".repeat(64), null)),
                            new LockFile.Entry(
                                    "chat",
                                    "gpu1/qwen3:0.6b",
                                    "gpu1",
                                    "qwen3:0.6b",
                                    new Pin(Pin.Kind.OLLAMA_DIGEST, "2".repeat(64), null)));
        }
    }

    @Test
    void aGgufDeploymentIsLockedByTheFileTheServerLoaded(@TempDir Path dir) throws Exception {
        Path gguf = dir.resolve("model.gguf");
        Files.writeString(gguf, "GGUF weights");
        simulator.setModelFile("llama3.2:1b", gguf.toString());
        // Pinned to an old hash of the file: the lock records the file's hash now.
        PalisadeConfig config = load("""
                backends: [{name: llamacpp, kind: openai, url: "%s"}]
                models: [{name: chat, backend: llamacpp, upstream_model: 'llama3.2:1b', pin: {gguf_sha256: '%s', file: '%s'}}]
                """.formatted(simulator.baseUrl(), "a".repeat(64), gguf));
        try (TestBackends backends = new TestBackends(config)) {
            ServedPins.Snapshot snapshot = servedPins.collect(config, backends.byName());

            assertThat(snapshot.entries())
                    .singleElement()
                    .extracting(LockFile.Entry::pin)
                    .isEqualTo(new Pin(Pin.Kind.GGUF_SHA256, PinVerifierTest.sha256(gguf), gguf));
        }
    }

    @Test
    void deploymentsThatCannotSayWhatTheyServeAreListedWithTheReason() throws Exception {
        try (BareOpenAiServer vllm = BareOpenAiServer.vllm("meta/llama")) {
            PalisadeConfig config = load("""
                    backends:
                      - {name: vllm, kind: openai, url: "%s/v1"}
                      - {name: gpu1, kind: ollama, url: "%s"}
                    models:
                      - {name: big, backend: vllm, upstream_model: meta/llama}
                      - {name: chat, backend: gpu1, upstream_model: 'mistral:7b'}
                    """.formatted(vllm.url(), simulator.baseUrl()));
            try (TestBackends backends = new TestBackends(config)) {
                ServedPins.Snapshot snapshot = servedPins.collect(config, backends.byName());

                assertThat(snapshot.entries()).isEmpty();
                assertThat(snapshot.unlockable())
                        .extracting(ServedPins.Unlockable::deployment)
                        .containsExactly("vllm/meta/llama", "gpu1/mistral:7b");
                assertThat(snapshot.unlockable().get(0).reason())
                        .contains("reports no model revision")
                        .contains("pin it by hand");
                assertThat(snapshot.unlockable().get(1).reason()).contains("does not serve model 'mistral:7b'");
            }
        }
    }

    @Test
    void anUnpinnedLlamaCppServerIsLockedByTheFileItNamesWhenTheFileIsHere(@TempDir Path dir) throws Exception {
        Path gguf = dir.resolve("model.gguf");
        Files.writeString(gguf, "GGUF weights");
        try (BareOpenAiServer here = BareOpenAiServer.llamaCpp("local", gguf.toString());
                BareOpenAiServer elsewhere = BareOpenAiServer.llamaCpp("local", "/nonexistent/models/llama.gguf")) {
            PalisadeConfig config = load("""
                    backends:
                      - {name: here, kind: openai, url: "%s"}
                      - {name: elsewhere, kind: openai, url: "%s/v1"}
                    models:
                      - {name: a, backend: here, upstream_model: local}
                      - {name: b, backend: elsewhere, upstream_model: local}
                    """.formatted(here.url(), elsewhere.url()));
            try (TestBackends backends = new TestBackends(config)) {
                ServedPins.Snapshot snapshot = servedPins.collect(config, backends.byName());

                assertThat(snapshot.entries())
                        .singleElement()
                        .extracting(LockFile.Entry::pin)
                        .isEqualTo(new Pin(Pin.Kind.GGUF_SHA256, PinVerifierTest.sha256(gguf), gguf));
                assertThat(snapshot.unlockable())
                        .singleElement()
                        .extracting(ServedPins.Unlockable::reason)
                        .asString()
                        .contains("cannot read the GGUF file /nonexistent/models/llama.gguf")
                        .contains("on the host that holds it");
            }
        }
    }

    private static PalisadeConfig load(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml);
    }
}
