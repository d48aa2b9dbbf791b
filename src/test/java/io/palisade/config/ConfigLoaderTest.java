package io.palisade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of());

    @Test
    void noFileGivesTheDocumentedDefaults() {
        PalisadeConfig config = loader.load(null);
        assertThat(config.server()).isEqualTo(new ServerConfig("127.0.0.1", 4000, 10L * 1024 * 1024, false));
        assertThat(config.storeUrl()).isEqualTo("sqlite:./data/palisade.db");
        assertThat(config.backends()).hasSize(1);
        BackendConfig ollama = config.backends().get(0);
        assertThat(ollama.name()).isEqualTo("ollama");
        assertThat(ollama.kind()).isEqualTo(BackendKind.OLLAMA);
        assertThat(ollama.url().toString()).isEqualTo("http://127.0.0.1:11434");
        assertThat(ollama.discoverModels()).isTrue();
        assertThat(ollama.timeouts()).isEqualTo(new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofMinutes(10)));
        assertThat(config.models()).isEmpty();
        assertThat(config.audit()).isEqualTo(new AuditConfig(AuditConfig.ContentCapture.OFF, 2000, 256));
        assertThat(config.limits().defaultRequestsPerMinute()).isEqualTo(120);
        assertThat(config.adminKey().isPresent()).isFalse();
        assertThat(config.logging()).isEqualTo(new LoggingConfig("info", "console"));
        assertThat(config.discoveryInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.observability().metricsToken().isPresent()).isFalse();
        assertThat(config.observability().metricsPort()).isZero();
        assertThat(config.observability().probeInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.observability().requestLog()).isTrue();
        assertThat(config.observability().otlpEndpoint()).isNull();
        // Unset, so OTEL_SERVICE_NAME / OTEL_TRACES_SAMPLER may fill them; with neither: "palisade" and 1.0 (TracingSettingsTest).
        assertThat(config.observability().serviceName()).isNull();
        assertThat(config.observability().traceSampleRatio()).isNull();
        LimitsConfig limits = config.limits();
        assertThat(limits.defaultTokensPerMinute()).isZero();
        assertThat(limits.defaultMaxConcurrent()).isZero();
        assertThat(limits.maxPromptTokens()).isZero();
        assertThat(limits.maxOutputTokens()).isZero();
        assertThat(limits.clampOutput()).isFalse();
        assertThat(limits.defaultOutputCap()).isEqualTo(1024);
        assertThat(limits.tokensCounted()).isEqualTo(LimitsConfig.TokensCounted.TOTAL);
        assertThat(limits.redisUrl()).isNull();
        assertThat(limits.failOpen()).isFalse();
        assertThat(limits.pricing()).isEmpty();
    }

    @Test
    void readsAFullFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(file, """
                server: {host: 0.0.0.0, port: 8080, max_body_bytes: 2048}
                store: {url: "sqlite:/tmp/x.db"}
                backends:
                  - name: gpu1
                    kind: openai
                    url: http://10.0.0.5:8000/v1/
                    api_key: env:VLLM_KEY
                    timeouts: {connect: 250ms, first_byte: 30s, total: 2m}
                models:
                  - {name: coder, backend: gpu1, upstream_model: Qwen/Qwen3-Coder-30B}
                audit: {content: truncated, content_max_chars: 100}
                limits: {default_requests_per_minute: 0}
                """);
        PalisadeConfig config = new ConfigLoader(Map.of("VLLM_KEY", "s3cret")).load(file);
        assertThat(config.server().port()).isEqualTo(8080);
        BackendConfig gpu = config.backend("gpu1");
        assertThat(gpu.url().toString()).isEqualTo("http://10.0.0.5:8000/v1");
        assertThat(gpu.discoverModels()).isFalse();
        assertThat(gpu.apiKey().reveal()).isEqualTo("s3cret");
        assertThat(gpu.apiKey().toString()).doesNotContain("s3cret").contains("env:VLLM_KEY");
        assertThat(gpu.timeouts().connect()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.models().get(0).deployments().get(0).upstreamModel()).isEqualTo("Qwen/Qwen3-Coder-30B");
        assertThat(config.audit().content()).isEqualTo(AuditConfig.ContentCapture.TRUNCATED);
        assertThat(config.limits().defaultRequestsPerMinute()).isZero();
    }

    @Test
    void environmentOverridesScalarKeys() {
        PalisadeConfig config = new ConfigLoader(Map.of("PALISADE_SERVER_PORT", "5000", "PALISADE_ADMIN_KEY", "k".repeat(30)))
                .parse("server: {port: 4001}");
        assertThat(config.server().port()).isEqualTo(5000);
        assertThat(config.adminKey().reveal()).isEqualTo("k".repeat(30));
    }

    @Test
    void tracingKeysSetInTheYamlAreKept() {
        ObservabilityConfig observability = new ConfigLoader(Map.of())
                .parse("tracing: {otlp_endpoint: \"http://collector:4318/v1/traces\", service_name: gw, sample_ratio: 0.25}").observability();
        assertThat(observability.otlpEndpoint()).hasToString("http://collector:4318/v1/traces");
        assertThat(observability.serviceName()).isEqualTo("gw");
        assertThat(observability.traceSampleRatio()).isEqualTo(0.25);
    }

    @Test
    void errorsNameTheKeyAndTheProblem() {
        assertError("server: {prot: 1}", "server.prot: unknown key");
        assertError("server: {port: lots}", "server.port: expected a whole number, got 'lots'");
        assertError("server: {port: 70000}", "server.port: must be between 0 and 65535");
        assertError("backends: [{name: a, kind: grpc, url: http://x}]", "backends[0].kind: expected one of [ollama, openai], got 'grpc'");
        assertError("backends: [{name: a, kind: ollama}]", "backends[0].url: is required");
        assertError("backends: [{name: a, kind: ollama, url: ftp://x}]", "backends[0].url: expected an http:// or https:// URL");
        assertError("backends: [{name: a, kind: ollama, url: http://x, timeouts: {connect: soon}}]",
                "backends[0].timeouts.connect: expected a duration");
        assertError("backends: [{name: a, kind: ollama, url: http://x}, {name: a, kind: ollama, url: http://y}]",
                "backends[1].name: backend name 'a' is used twice");
        assertError("models: [{name: m, backend: nowhere}]", "models[0].backend: no backend named 'nowhere'");
        assertError("backends: [{name: a, kind: openai, url: http://x, api_key: env:NOT_SET_ANYWHERE}]",
                "backends[0].api_key: refers to environment variable NOT_SET_ANYWHERE, which is not set");
        assertError("audit: {content: everything}", "audit.content: expected one of [off, truncated, full]");
        assertError("store: {url: \"postgresql://app:s3cret@/palisade\"}", "store.url: no host: expected postgresql://USER:PASSWORD@HOST");
        assertError("store: {url: \"mysql://app:s3cret@db/palisade\"}", "store.url: expected sqlite:PATH or postgresql://");
        assertError("server: [1, 2]", "server: expected a mapping");
        assertError("server: {port: [1]}", "server.port: expected a single value");
        assertError("logging: {level: loud}", "logging.level: expected one of");
        assertError("limits: {output_cap_mode: trim}", "limits.output_cap_mode: expected reject or clamp");
        assertError("limits: {redis_url: \"localhost:6379\"}", "limits.redis_url: expected redis://host:port");
        assertError("limits: {pricing: [{model: x, prompt_per_1k: -1}]}", "limits.pricing[0].prompt_per_1k: expected a number of at least 0");
        assertError("tracing: {otlp_endpoint: \"grpc://collector:4317\"}", "tracing.otlp_endpoint: expected an http(s) URL");
        assertError("tracing: {sample_ratio: 1.5}", "tracing.sample_ratio: expected a number between 0 and 1");
        assertError("tracing: {sample_ratio: half}", "tracing.sample_ratio: expected a number of at least 0");
        assertError("health: {probe_interval: 10ms}", "health.probe_interval: must be at least 100ms");
        assertError("server: {port: 1\n  bad", "config is not valid YAML");
    }

    @Test
    void aMissingFileIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml does not exist");
    }

    private void assertError(String yaml, String expected) {
        assertThatThrownBy(() -> loader.parse(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(expected);
    }
}
