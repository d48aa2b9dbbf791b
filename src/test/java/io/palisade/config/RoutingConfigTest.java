package io.palisade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingConfigTest {
    private static final String BACKENDS = """
            backends:
              - {name: gpu1, kind: ollama, url: "http://127.0.0.1:11434"}
              - {name: gpu2, kind: ollama, url: "http://127.0.0.1:11435"}
              - {name: vllm, kind: openai, url: "http://127.0.0.1:8000"}
            """;
    private final ConfigLoader loader = new ConfigLoader(Map.of());

    @Test
    void defaultsArePinned() {
        RoutingConfig routing = loader.parse("").routing();
        assertThat(routing.maxAttempts()).isEqualTo(3);
        assertThat(routing.maxTotalAttempts()).isEqualTo(6);
        assertThat(routing.retryBudget()).isEqualTo(Duration.ofSeconds(30));
        assertThat(routing.backoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(routing.backoffMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(routing.breakerFailures()).isEqualTo(5);
        assertThat(routing.breakerCoolDown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(routing.verifyInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(routing.stopOnDrift()).isTrue();
        assertThat(routing.lockFile()).isEqualTo(Path.of("palisade.lock.yaml"));
        assertThat(routing.promotionRequiresEval()).isTrue();
        assertThat(routing.watchConfig()).isTrue();
        assertThat(CanaryConfig.Rollback.DEFAULTS)
                .isEqualTo(new CanaryConfig.Rollback(Duration.ofMinutes(5), 20, 0.05, 2.0, true));
        CanaryConfig canary = loader.parse(BACKENDS + "models: [{name: chat, backend: gpu1, canary: {backend: gpu2}}]")
                .model("chat")
                .canary();
        assertThat(canary.percent()).isEqualTo(10);
        assertThat(canary.sticky()).isFalse();
        assertThat(canary.rollback()).isEqualTo(CanaryConfig.Rollback.DEFAULTS);
    }

    @Test
    void everyRoutingKeyIsRead() {
        RoutingConfig routing = loader.parse("""
                routing:
                  retry: {max_attempts: 4, max_total_attempts: 9, budget: 12s, backoff: 20ms, backoff_max: 400ms}
                  circuit_breaker: {failures: 7, cool_down: 45s}
                  pins: {verify_interval: 90s, on_drift: alert, lock_file: pins/locked.yaml}
                  promotion: {require_eval: false}
                  reload: {watch: false}
                """).routing();
        assertThat(routing)
                .isEqualTo(new RoutingConfig(
                        4,
                        9,
                        Duration.ofSeconds(12),
                        Duration.ofMillis(20),
                        Duration.ofMillis(400),
                        7,
                        Duration.ofSeconds(45),
                        Duration.ofSeconds(90),
                        false,
                        Path.of("pins/locked.yaml"),
                        false,
                        false));
    }

    @Test
    void totalAttemptsDefaultToSixOrTheAttemptsPerModelIfMore() {
        assertThat(loader.parse("routing: {retry: {max_attempts: 2}}").routing().maxTotalAttempts())
                .isEqualTo(6);
        assertThat(loader.parse("routing: {retry: {max_attempts: 8}}").routing().maxTotalAttempts())
                .isEqualTo(8);
    }

    @Test
    void theShortFormIsOneDeployment() {
        ModelConfig model = loader.parse(BACKENDS
                        + "models: [{name: chat, backend: gpu1, upstream_model: 'llama3.1:8b', pin: 'SHA256:ABC'}]")
                .model("chat");
        assertThat(model.deployments())
                .containsExactly(new DeploymentConfig(
                        "gpu1/llama3.1:8b", "gpu1", "llama3.1:8b", 1, new Pin(Pin.Kind.OLLAMA_DIGEST, "abc", null)));
        assertThat(model.canary()).isNull();
        assertThat(model.fallbacks()).isEmpty();
    }

    @Test
    void readsDeploymentsCanaryAndFallbacks() {
        ModelConfig model = loader.parse(BACKENDS + """
                models:
                  - name: chat
                    deployments:
                      - {backend: gpu1, upstream_model: "llama3.1:8b", weight: 3}
                      - {id: second, backend: gpu2, upstream_model: "llama3.1:8b", weight: 1}
                    canary:
                      backend: vllm
                      upstream_model: meta/llama-3.2
                      pin: {revision: 0123abc}
                      percent: 12.5
                      sticky: true
                      rollback: {window: 1m, min_requests: 5, error_rate_increase: 0.1, latency_ratio: 3, on_eval_regression: false}
                    fallbacks: [small, tiny]
                """).model("chat");
        assertThat(model.deployments()).extracting(DeploymentConfig::id).containsExactly("gpu1/llama3.1:8b", "second");
        assertThat(model.deployments()).extracting(DeploymentConfig::weight).containsExactly(3, 1);
        CanaryConfig canary = model.canary();
        assertThat(canary.deployment().id()).isEqualTo("vllm/meta/llama-3.2");
        assertThat(canary.deployment().pin()).isEqualTo(new Pin(Pin.Kind.REVISION, "0123abc", null));
        assertThat(canary.percent()).isEqualTo(12.5);
        assertThat(canary.sticky()).isTrue();
        assertThat(canary.rollback()).isEqualTo(new CanaryConfig.Rollback(Duration.ofMinutes(1), 5, 0.1, 3.0, false));
        assertThat(model.fallbacks()).containsExactly("small", "tiny");
    }

    @Test
    void pinsAreTheSameByKindValueAndFile() {
        Pin digest = new Pin(Pin.Kind.OLLAMA_DIGEST, "sha256:ABC", null);
        assertThat(digest.sameAs(new Pin(Pin.Kind.OLLAMA_DIGEST, "abc", null))).isTrue();
        assertThat(digest.sameAs(new Pin(Pin.Kind.REVISION, "abc", null))).isFalse();
        assertThat(digest.sameAs(new Pin(Pin.Kind.OLLAMA_DIGEST, "abd", null))).isFalse();
        Pin file = new Pin(Pin.Kind.GGUF_SHA256, "abc", Path.of("/models/a.gguf"));
        assertThat(file.sameAs(new Pin(Pin.Kind.GGUF_SHA256, "abc", Path.of("/models/x/../a.gguf"))))
                .isTrue();
        assertThat(file.sameAs(new Pin(Pin.Kind.GGUF_SHA256, "abc", Path.of("/models/b.gguf"))))
                .isFalse();
        assertThat(file.sameAs(new Pin(Pin.Kind.GGUF_SHA256, "abc", null)))
                .as("a pin without a file names no other file")
                .isTrue();
    }

    @Test
    void ggufPinsNeedAFileAndAHash() {
        ModelConfig model = loader.parse(BACKENDS + "models: [{name: m, backend: vllm, pin: {gguf_sha256: '"
                        + "a".repeat(64) + "', file: /models/m.gguf}}]")
                .model("m");
        assertThat(model.deployments().get(0).pin())
                .isEqualTo(new Pin(Pin.Kind.GGUF_SHA256, "a".repeat(64), Path.of("/models/m.gguf")));
    }

    @Test
    void theLockFileFillsInPinsButAnExplicitPinWins(@TempDir Path dir) throws Exception {
        LockFile.write(
                dir.resolve("palisade.lock.yaml"),
                List.of(
                        new LockFile.Entry(
                                "a", "gpu1/a", "gpu1", "a", new Pin(Pin.Kind.OLLAMA_DIGEST, "locked-a", null)),
                        new LockFile.Entry(
                                "b", "gpu1/b", "gpu1", "b", new Pin(Pin.Kind.OLLAMA_DIGEST, "locked-b", null))),
                Instant.EPOCH);
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(
                file, BACKENDS + "models: [{name: a, backend: gpu1}, {name: b, backend: gpu1, pin: explicit}]");
        PalisadeConfig config = loader.load(file);
        assertThat(config.routing().lockFile()).isEqualTo(dir.resolve("palisade.lock.yaml"));
        assertThat(config.model("a").deployments().get(0).pin().value()).isEqualTo("locked-a");
        assertThat(config.model("b").deployments().get(0).pin().value()).isEqualTo("explicit");
    }

    @Test
    void errorsNameTheKey() {
        assertError(
                "models: [{name: m, backend: gpu1, deployments: [{backend: gpu2}]}]",
                "models[0].backend: belongs inside each of deployments:");
        assertError("models: [{name: m, deployments: []}]", "models[0].deployments: list at least one deployment");
        assertError(
                "models: [{name: m, deployments: [{backend: gpu1}, {backend: gpu1}]}]",
                "models[0].deployments[1].id: deployment 'gpu1/m' appears twice");
        assertError(
                "models: [{name: m, deployments: [{backend: gpu1, weight: 0}]}]",
                "at least one deployment needs a weight above 0");
        assertError(
                "models: [{name: m, deployments: [{backend: gpu1, weight: -1}]}]",
                "models[0].deployments[0].weight: must be between 0");
        assertError(
                "models: [{name: m, backend: gpu1, canary: {backend: gpu1}}]",
                "models[0].canary: the candidate 'gpu1/m' is already");
        assertError(
                "models: [{name: m, backend: gpu1, canary: {backend: gpu2, percent: 120}}]",
                "models[0].canary.percent: must be between 0 and 100");
        assertError(
                "models: [{name: m, backend: gpu1, fallbacks: [m]}]",
                "models[0].fallbacks: a model cannot fall back to itself");
        assertError(
                "models: [{name: m, backend: vllm, pin: {digest: abc}}]",
                "models[0].pin.digest: only Ollama backends report a digest");
        assertError(
                "models: [{name: m, backend: gpu1, pin: {digest: a, revision: b}}]",
                "models[0].pin: give exactly one of");
        assertError(
                "models: [{name: m, backend: vllm, pin: {gguf_sha256: abc, file: /x}}]",
                "models[0].pin.gguf_sha256: expected 64 hex digits");
        assertError("models: [{name: m}]", "models[0].backend: is required");
        assertError(
                "routing: {retry: {max_attempts: 4, max_total_attempts: 2}}",
                "routing.retry.max_total_attempts: must be at least max_attempts");
        assertError("routing: {pins: {on_drift: ignore}}", "routing.pins.on_drift: expected stop or alert");
        assertError(
                "routing: {circuit_breaker: {cool_down: 0s}}",
                "routing.circuit_breaker.cool_down: must be greater than zero");
    }

    private void assertError(String yaml, String message) {
        assertThatThrownBy(() -> loader.parse(BACKENDS + yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }
}
