package io.palisade.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.MutableClock;
import io.palisade.config.ConfigLoader;
import io.palisade.config.DeploymentConfig;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.Pin;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins checked against the simulator over real HTTP: Ollama digests, TGI revisions, GGUF files. */
class PinVerifierTest {
    private static final String DIGEST = "1".repeat(64);
    private static final String REPULLED = "2".repeat(64);
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final PinVerifier verifier = new PinVerifier(new GgufDigests(), clock);
    private Simulator simulator;

    @BeforeEach
    void start() {
        simulator = new Simulator(SimulatorConfig.defaults().withPort(0)).start();
        simulator.setModelDigest("llama3.2:1b", DIGEST);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void anOllamaDigestThatIsServedMatches() {
        PinCheck check = verifyOne(ollama("pin: 'sha256:" + DIGEST.toUpperCase(Locale.ROOT) + "'"));

        assertThat(check.status()).isEqualTo(PinCheck.Status.MATCH);
        assertThat(check)
                .extracting(
                        PinCheck::model,
                        PinCheck::deployment,
                        PinCheck::backend,
                        PinCheck::upstreamModel,
                        PinCheck::kind)
                .containsExactly("chat", "gpu1/llama3.2:1b", "gpu1", "llama3.2:1b", Pin.Kind.OLLAMA_DIGEST);
        assertThat(check.expected()).isEqualTo(DIGEST);
        assertThat(check.served()).isEqualTo(DIGEST);
        assertThat(check.detail()).contains("/api/tags");
        assertThat(check.checkedAt()).isEqualTo(NOW);
        assertThat(check.failed()).isFalse();
    }

    @Test
    void aRepulledModelHasDrifted() {
        PalisadeConfig config = ollama("pin: '" + DIGEST + "'");
        assertThat(verifyOne(config).status()).isEqualTo(PinCheck.Status.MATCH);

        simulator.setModelDigest("llama3.2:1b", REPULLED);
        clock.advance(java.time.Duration.ofMinutes(5));
        PinCheck check = verifyOne(config);

        assertThat(check.status()).isEqualTo(PinCheck.Status.DRIFTED);
        assertThat(check.expected()).isEqualTo(DIGEST);
        assertThat(check.served()).isEqualTo(REPULLED);
        assertThat(check.checkedAt()).isEqualTo(NOW.plusSeconds(300));
        assertThat(check.failed()).isTrue();
    }

    @Test
    void anUntaggedNameMeansLatestAsInOllama() {
        simulator.setModelDigest("nomic-embed-text", DIGEST);
        PinCheck check = verifyOne(load(ollamaBackend()
                + "models: [{name: embed, backend: gpu1, upstream_model: nomic-embed-text, pin: '" + DIGEST + "'}]"));

        assertThat(check.status()).isEqualTo(PinCheck.Status.MATCH);
        assertThat(check.detail()).contains("nomic-embed-text:latest");
    }

    @Test
    void aModelTheBackendNoLongerServesHasDrifted() {
        PinCheck check = verifyOne(load(ollamaBackend()
                + "models: [{name: gone, backend: gpu1, upstream_model: 'mistral:7b', pin: '" + DIGEST + "'}]"));

        assertThat(check.status()).isEqualTo(PinCheck.Status.DRIFTED);
        assertThat(check.served()).isNull();
        assertThat(check.detail()).contains("does not serve model 'mistral:7b'");
    }

    @Test
    void anUnreachableBackendIsReportedWithoutItsUrlOrKey() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        PalisadeConfig config = load("""
                backends:
                  - {name: gpu1, kind: ollama, url: "http://user:url-secret@127.0.0.1:%d", api_key: "key-secret-value", timeouts: {connect: 2s}}
                models: [{name: chat, backend: gpu1, upstream_model: 'llama3.2:1b', pin: '%s'}]
                """.formatted(closedPort, DIGEST));

        PinCheck check = verifyOne(config);

        assertThat(check.status()).isEqualTo(PinCheck.Status.UNREACHABLE);
        assertThat(check.failed()).isTrue();
        assertThat(check.detail())
                .contains("backend 'gpu1'")
                .doesNotContain("url-secret")
                .doesNotContain("key-secret-value")
                .doesNotContain(String.valueOf(closedPort));
    }

    @Test
    void anUnpinnedDeploymentSaysWhatItServesAndDoesNotFail() {
        PinCheck check = verifyOne(ollama(""));

        assertThat(check.status()).isEqualTo(PinCheck.Status.UNPINNED);
        assertThat(check.kind()).isNull();
        assertThat(check.expected()).isNull();
        assertThat(check.served()).isEqualTo(DIGEST);
        assertThat(check.pinned()).isFalse();
        assertThat(check.failed()).isFalse();
    }

    @Test
    void aTgiRevisionFromInfoMatchesAndDrifts() {
        String revision = "0123456789abcdef0123456789abcdef01234567";
        simulator.setModelDigest("llama3.2:1b", revision);
        // With and without the trailing /v1: /info lives at the server root either way.
        for (String suffix : List.of("", "/v1")) {
            PalisadeConfig config = load("""
                    backends: [{name: tgi, kind: openai, url: "%s%s"}]
                    models: [{name: chat, backend: tgi, upstream_model: 'llama3.2:1b', pin: {revision: '%s'}}]
                    """.formatted(simulator.baseUrl(), suffix, revision));
            simulator.setModelDigest("llama3.2:1b", revision);
            PinCheck match = verifyOne(config);
            assertThat(match.status()).as(suffix).isEqualTo(PinCheck.Status.MATCH);
            assertThat(match.kind()).isEqualTo(Pin.Kind.REVISION);
            assertThat(match.detail()).contains("model_sha from /info (model_id llama3.2:1b)");

            simulator.setModelDigest("llama3.2:1b", "f".repeat(40));
            PinCheck drifted = verifyOne(config);
            assertThat(drifted.status()).as(suffix).isEqualTo(PinCheck.Status.DRIFTED);
            assertThat(drifted.served()).isEqualTo("f".repeat(40));
        }
    }

    @Test
    void aServerThatReportsNoRevisionIsUnverifiableNotDrifted() throws Exception {
        try (BareOpenAiServer vllm = BareOpenAiServer.vllm("meta/llama")) {
            PinCheck check = verifyOne(load("""
                    backends: [{name: vllm, kind: openai, url: "%s/v1"}]
                    models: [{name: chat, backend: vllm, upstream_model: meta/llama, pin: {revision: abc123}}]
                    """.formatted(vllm.url())));

            assertThat(check.status()).isEqualTo(PinCheck.Status.UNVERIFIABLE);
            assertThat(check.detail()).contains("reports no model revision").contains("vLLM");
            assertThat(check.failed()).isTrue();
        }
    }

    @Test
    void aGgufFileIsHashedAndMustBeTheFileTheServerLoaded(@TempDir Path dir) throws Exception {
        Path gguf = dir.resolve("model.gguf");
        Files.writeString(gguf, "GGUF weights, version one");
        String sha = sha256(gguf);
        simulator.setModelFile("llama3.2:1b", gguf.toString());
        PalisadeConfig config = llamaCpp(sha, gguf);

        PinCheck match = verifyOne(config);
        assertThat(match.status()).isEqualTo(PinCheck.Status.MATCH);
        assertThat(match.kind()).isEqualTo(Pin.Kind.GGUF_SHA256);
        assertThat(match.served()).isEqualTo(sha);
        assertThat(match.detail()).contains("the backend loaded that file");

        Files.writeString(gguf, "GGUF weights, version two, longer");
        PinCheck changed = verifyOne(config);
        assertThat(changed.status()).isEqualTo(PinCheck.Status.DRIFTED);
        assertThat(changed.served()).isEqualTo(sha256(gguf)).isNotEqualTo(sha);
        assertThat(changed.detail()).contains("other contents than pinned");

        Files.writeString(gguf, "GGUF weights, version one");
        simulator.setModelFile("llama3.2:1b", dir.resolve("other.gguf").toString());
        PinCheck otherFile = verifyOne(config);
        assertThat(otherFile.status()).isEqualTo(PinCheck.Status.DRIFTED);
        assertThat(otherFile.detail())
                .contains("the backend loaded " + dir.resolve("other.gguf") + ", not the pinned " + gguf);
    }

    @Test
    void aMissingGgufFileIsUnverifiable(@TempDir Path dir) {
        Path gguf = dir.resolve("absent.gguf");
        PinCheck check = verifyOne(llamaCpp("a".repeat(64), gguf));

        assertThat(check.status()).isEqualTo(PinCheck.Status.UNVERIFIABLE);
        assertThat(check.detail()).contains("cannot read the pinned GGUF file " + gguf);
    }

    @Test
    void verifyAllCoversCanaries() {
        simulator.setModelDigest("qwen3:0.6b", REPULLED);
        PalisadeConfig config = load(ollamaBackend() + """
                models:
                  - name: chat
                    backend: gpu1
                    upstream_model: 'llama3.2:1b'
                    pin: '%s'
                    canary: {backend: gpu1, upstream_model: 'qwen3:0.6b', pin: '%s', percent: 5}
                """.formatted(DIGEST, DIGEST));
        try (TestBackends backends = new TestBackends(config)) {
            List<PinCheck> checks = verifier.verifyAll(config, backends.byName());

            assertThat(checks)
                    .extracting(PinCheck::deployment, PinCheck::status)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("gpu1/llama3.2:1b", PinCheck.Status.MATCH),
                            org.assertj.core.groups.Tuple.tuple("gpu1/qwen3:0.6b", PinCheck.Status.DRIFTED));
        }
    }

    private PinCheck verifyOne(PalisadeConfig config) {
        var model = config.models().get(0);
        DeploymentConfig deployment = model.deployments().get(0);
        try (TestBackends backends = new TestBackends(config)) {
            return verifier.verify(model.name(), deployment, backends.get(deployment.backend()));
        }
    }

    private PalisadeConfig ollama(String pinLine) {
        return load(ollamaBackend() + "models:\n  - name: chat\n    backend: gpu1\n    upstream_model: 'llama3.2:1b'\n"
                + (pinLine.isEmpty() ? "" : "    " + pinLine + "\n"));
    }

    private PalisadeConfig llamaCpp(String sha, Path file) {
        return load("""
                backends: [{name: llamacpp, kind: openai, url: "%s"}]
                models: [{name: chat, backend: llamacpp, upstream_model: 'llama3.2:1b', pin: {gguf_sha256: '%s', file: '%s'}}]
                """.formatted(simulator.baseUrl(), sha, file));
    }

    private String ollamaBackend() {
        return "backends: [{name: gpu1, kind: ollama, url: \"" + simulator.baseUrl() + "\"}]\n";
    }

    private static PalisadeConfig load(String yaml) {
        return new ConfigLoader(Map.of()).parse(yaml);
    }

    static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
