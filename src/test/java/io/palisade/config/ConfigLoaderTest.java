package io.palisade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.net.AddressRange;
import io.palisade.net.TrustedProxies;
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
        assertThat(config.server())
                .isEqualTo(new ServerConfig(
                        "127.0.0.1",
                        4000,
                        10L * 1024 * 1024,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(60),
                        0,
                        TrustedProxies.none()));
        assertThat(config.storeUrl()).isEqualTo("sqlite:./data/palisade.db");
        assertThat(config.backends()).hasSize(1);
        BackendConfig ollama = config.backends().get(0);
        assertThat(ollama.name()).isEqualTo("ollama");
        assertThat(ollama.kind()).isEqualTo(BackendKind.OLLAMA);
        assertThat(ollama.url().toString()).isEqualTo("http://127.0.0.1:11434");
        assertThat(ollama.discoverModels()).isTrue();
        assertThat(ollama.timeouts())
                .isEqualTo(new Timeouts(
                        Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofMinutes(10), Duration.ofSeconds(5)));
        assertThat(config.models()).isEmpty();
        assertThat(config.audit()).isEqualTo(new AuditConfig(AuditConfig.ContentCapture.OFF, 2000, 256));
        assertThat(config.limits().defaultRequestsPerMinute()).isEqualTo(120);
        assertThat(config.adminKey().isPresent()).isFalse();
        assertThat(config.logging()).isEqualTo(new LoggingConfig("info", "console"));
        assertThat(config.discoveryInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.observability().metricsToken().isPresent()).isFalse();
        assertThat(config.observability().metricsListener()).isEqualTo(MetricsListener.MAIN);
        assertThat(config.observability().probeInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.observability().requestLog()).isTrue();
        assertThat(config.observability().otlpEndpoint()).isNull();
        // Unset, so OTEL_SERVICE_NAME / OTEL_TRACES_SAMPLER may fill them; with neither: "palisade" and 1.0
        // (TracingSettingsTest).
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
        assertThat(limits.redisLease()).isEqualTo(Duration.ofSeconds(10));
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
                    timeouts: {connect: 250ms, first_byte: 30s, total: 2m, checks: 2s}
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
        assertThat(gpu.timeouts().checks()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.models().get(0).deployments().get(0).upstreamModel()).isEqualTo("Qwen/Qwen3-Coder-30B");
        assertThat(config.audit().content()).isEqualTo(AuditConfig.ContentCapture.TRUNCATED);
        assertThat(config.limits().defaultRequestsPerMinute()).isZero();
    }

    @Test
    void environmentOverridesScalarKeys() {
        PalisadeConfig config = new ConfigLoader(
                        Map.of("PALISADE_SERVER_PORT", "5000", "PALISADE_ADMIN_KEY", "k".repeat(30)))
                .parse("server: {port: 4001}");
        assertThat(config.server().port()).isEqualTo(5000);
        assertThat(config.adminKey().reveal()).isEqualTo("k".repeat(30));
    }

    @Test
    void tracingKeysSetInTheYamlAreKept() {
        ObservabilityConfig observability = new ConfigLoader(Map.of())
                .parse(
                        "tracing: {otlp_endpoint: \"http://collector:4318/v1/traces\", service_name: gw, sample_ratio: 0.25}")
                .observability();
        assertThat(observability.otlpEndpoint()).hasToString("http://collector:4318/v1/traces");
        assertThat(observability.serviceName()).isEqualTo("gw");
        assertThat(observability.traceSampleRatio()).isEqualTo(0.25);
    }

    @Test
    void metricsPortKeepsItsMeaningsAndAnyAsksForAListenerOnAFreePort() {
        assertThat(loader.parse("metrics: {port: 0}").observability().metricsListener())
                .isEqualTo(MetricsListener.MAIN);
        assertThat(loader.parse("metrics: {port: 9100}").observability().metricsListener())
                .isEqualTo(new MetricsListener.Separate(9100));
        assertThat(loader.parse("metrics: {port: any}").observability().metricsListener())
                .isEqualTo(new MetricsListener.Separate(0));
        assertError("metrics: {port: 70000}", "metrics.port: must be between 0 and 65535");
        assertError(
                "metrics: {port: some}",
                "metrics.port: expected a port number (0 = the main listener) or 'any' (a listener of their own on a free port), got 'some'");
    }

    @Test
    void errorsNameTheKeyAndTheProblem() {
        assertError("server: {prot: 1}", "server.prot: unknown key");
        assertError("server: {port: lots}", "server.port: expected a whole number, got 'lots'");
        assertError("server: {port: 70000}", "server.port: must be between 0 and 65535");
        assertError(
                "backends: [{name: a, kind: grpc, url: http://x}]",
                "backends[0].kind: expected one of [ollama, openai], got 'grpc'");
        assertError("backends: [{name: a, kind: ollama}]", "backends[0].url: is required");
        assertError(
                "backends: [{name: a, kind: ollama, url: ftp://x}]",
                "backends[0].url: expected an http:// or https:// URL");
        assertError(
                "backends: [{name: a, kind: ollama, url: http://x, timeouts: {connect: soon}}]",
                "backends[0].timeouts.connect: expected a duration");
        assertError(
                "backends: [{name: a, kind: ollama, url: http://x}, {name: a, kind: ollama, url: http://y}]",
                "backends[1].name: backend name 'a' is used twice");
        assertError("models: [{name: m, backend: nowhere}]", "models[0].backend: no backend named 'nowhere'");
        assertError(
                "backends: [{name: a, kind: openai, url: http://x, api_key: env:NOT_SET_ANYWHERE}]",
                "backends[0].api_key: refers to environment variable NOT_SET_ANYWHERE, which is not set");
        assertError("audit: {content: everything}", "audit.content: expected one of [off, truncated, full]");
        assertError(
                "store: {url: \"postgresql://app:s3cret@/palisade\"}",
                "store.url: no host: expected postgresql://USER:PASSWORD@HOST");
        assertError(
                "store: {url: \"mysql://app:s3cret@db/palisade\"}", "store.url: expected sqlite:PATH or postgresql://");
        assertError("server: [1, 2]", "server: expected a mapping");
        assertError("server: {port: [1]}", "server.port: expected a single value");
        assertError("logging: {level: loud}", "logging.level: expected one of");
        assertError("limits: {output_cap_mode: trim}", "limits.output_cap_mode: expected reject or clamp");
        assertError("limits: {redis_url: \"localhost:6379\"}", "limits.redis_url: expected redis://host:port");
        assertError(
                "limits: {pricing: [{model: x, prompt_per_1k: -1}]}",
                "limits.pricing[0].prompt_per_1k: expected a number of at least 0");
        assertError(
                "tracing: {otlp_endpoint: \"grpc://collector:4317\"}",
                "tracing.otlp_endpoint: expected an http(s) URL");
        assertError("tracing: {sample_ratio: 1.5}", "tracing.sample_ratio: expected a number between 0 and 1");
        assertError("tracing: {sample_ratio: half}", "tracing.sample_ratio: expected a number of at least 0");
        assertError("health: {probe_interval: 10ms}", "health.probe_interval: must be at least 100ms");
        assertError("server: {port: 1\n  bad", "config is not valid YAML");
    }

    @Test
    void auditRetentionIsOffByDefaultWithItsArchiveBesideTheStore() {
        AuditConfig.Retention defaults = loader.parse("").audit().retention();
        assertThat(defaults).isEqualTo(AuditConfig.Retention.OFF);
        assertThat(defaults.enabled()).isFalse();
        assertThat(defaults.directoryFor("sqlite:./data/palisade.db"))
                .isEqualTo(Path.of("data/audit-archive").toAbsolutePath());
        assertThat(defaults.directoryFor("postgresql://app:s3cret@db.internal:5433/palisade?sslmode=require"))
                .isEqualTo(Path.of("data", "audit-archive-db.internal_5433_palisade"));

        AuditConfig.Retention configured = loader.parse("audit: {retention: 400d, archive_dir: /srv/archive}")
                .audit()
                .retention();
        assertThat(configured.after()).isEqualTo(Duration.ofDays(400));
        assertThat(configured.directoryFor("sqlite:./data/palisade.db")).isEqualTo(Path.of("/srv/archive"));

        assertError("audit: {retention: 12h}", "audit.retention: must be at least 1d");
        assertError("audit: {retention: forever}", "audit.retention: expected a duration such as");
        assertError("audit: {archive_dir: \"\"}", "audit.archive_dir: expected a directory path");
    }

    @Test
    void auditCheckpointsDefaultBesideTheStoreAndAreConfigurable() {
        AuditConfig.Checkpoints defaults = loader.parse("").audit().checkpoints();
        assertThat(defaults)
                .isEqualTo(new AuditConfig.Checkpoints(null, Duration.ofSeconds(5), 10_000, Secret.empty()));
        assertThat(defaults.fileFor("sqlite:./data/palisade.db"))
                .isEqualTo(Path.of("data/palisade.audit-checkpoints.jsonl").toAbsolutePath());
        assertThat(defaults.fileFor("postgresql://app:s3cret@db.internal:5433/palisade?sslmode=require"))
                .isEqualTo(Path.of("data", "audit-checkpoints-db.internal_5433_palisade.jsonl"));

        String key = "0123456789abcdef0123456789abcdef";
        AuditConfig.Checkpoints configured = new ConfigLoader(Map.of("PALISADE_AUDIT_CHECKPOINT_KEY", key))
                .parse("""
                audit:
                  checkpoint_file: /var/lib/palisade/checkpoints.jsonl
                  checkpoint_interval: 2s
                  checkpoint_every_records: 500
                  checkpoint_key: env:PALISADE_AUDIT_CHECKPOINT_KEY
                """)
                .audit()
                .checkpoints();
        assertThat(configured.fileFor("sqlite:./data/palisade.db"))
                .isEqualTo(Path.of("/var/lib/palisade/checkpoints.jsonl"));
        assertThat(configured.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(configured.everyRecords()).isEqualTo(500);
        assertThat(configured.key().reveal()).isEqualTo(key);
        assertThat(configured.toString()).doesNotContain(key);

        assertError("audit: {checkpoint_interval: 10ms}", "audit.checkpoint_interval: must be at least 100ms");
        assertError("audit: {checkpoint_every_records: 0}", "audit.checkpoint_every_records: must be between 1 and");
        assertError("audit: {checkpoint_key: too-short}", "audit.checkpoint_key: must be at least 32 characters");
        assertError("audit: {checkpoint_file: \"\"}", "audit.checkpoint_file: expected a file path");
        assertError(
                "audit: {checkpoint_key: env:NOT_SET_ANYWHERE}",
                "audit.checkpoint_key: refers to environment variable NOT_SET_ANYWHERE");
    }

    @Test
    void connectionBoundsAndTrustedProxiesAreRead() {
        ServerConfig server = loader.parse("""
                server:
                  header_timeout: 2s
                  body_read_timeout: 250ms
                  idle_timeout: 1m
                  max_connections: 500
                  trusted_proxies: [127.0.0.1, 10.0.0.0/8, "fd00::/8", "::1"]
                """).server();
        assertThat(server.headerTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(server.bodyReadTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(server.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(server.maxConnections()).isEqualTo(500);
        assertThat(server.trustedProxies())
                .isEqualTo(TrustedProxies.of(java.util.List.of(
                        AddressRange.parse("127.0.0.1"),
                        AddressRange.parse("10.0.0.0/8"),
                        AddressRange.parse("fd00::/8"),
                        AddressRange.parse("::1"))));

        assertError("server: {header_timeout: 0s}", "server.header_timeout: must be greater than zero");
        assertError("server: {max_connections: -1}", "server.max_connections: must be between 0 and");
        assertError(
                "server: {trusted_proxies: [10.0.0.0/33]}",
                "server.trusted_proxies[0]: '10.0.0.0/33': the prefix length must be");
        assertError(
                "server: {trusted_proxies: [proxy.internal]}",
                "server.trusted_proxies[0]: expected an IP address or CIDR block");
        assertError("server: {trusted_proxies: 10.0.0.1}", "server.trusted_proxies: expected a list");
    }

    /** The old switch believed the leftmost X-Forwarded-For entry, which any caller writes: refused with what to use instead. */
    @Test
    void theRemovedTrustForwardedForKeyNamesItsReplacement() {
        assertError("server: {trust_forwarded_for: true}", "server.trust_forwarded_for: was removed");
        assertError("server: {trust_forwarded_for: false}", "server.trusted_proxies");
    }

    @Test
    void smokeEvaluationIsOffByDefaultAndItsJudgeIsNeverAGenerator(@TempDir Path dir) throws Exception {
        assertThat(loader.parse("").smokeEval()).isEqualTo(SmokeEvalConfig.NOT_CONFIGURED);
        assertThat(SmokeEvalConfig.NOT_CONFIGURED.configured()).isFalse();
        assertThat(SmokeEvalConfig.NOT_CONFIGURED.threshold()).isEqualTo(0.7);
        assertThat(SmokeEvalConfig.NOT_CONFIGURED.schedule()).isZero();
        assertThat(SmokeEvalConfig.NOT_CONFIGURED.maxAge()).isEqualTo(Duration.ofDays(7));

        Files.writeString(dir.resolve("ours.jsonl"), "");
        SmokeEvalConfig smoke = loader.parse("""
                eval:
                  smoke:
                    models: [qwen3:32b, coder]
                    judge: gemma3:27b
                    threshold: 0.8
                    golden: ours.jsonl
                    schedule: 24h
                    max_age: 2d
                """, dir).smokeEval();
        assertThat(smoke)
                .isEqualTo(new SmokeEvalConfig(
                        java.util.List.of("qwen3:32b", "coder"),
                        "gemma3:27b",
                        0.8,
                        dir.resolve("ours.jsonl"),
                        Duration.ofHours(24),
                        Duration.ofDays(2),
                        false));

        assertError(
                "eval: {smoke: {models: [a, b], judge: b}}",
                "eval.smoke.judge: 'b' is also one of eval.smoke.models; a model never grades its own answers");
        assertError("eval: {smoke: {models: [a]}}", "eval.smoke.judge: is required when eval.smoke.models is set");
        assertError("eval: {smoke: {judge: j}}", "eval.smoke.models: is required when eval.smoke.judge is set");
        assertError(
                "eval: {smoke: {models: [a], judge: j, threshold: 1.5}}", "eval.smoke.threshold: expected a pass rate");
        assertError(
                "eval: {smoke: {models: [a], judge: j, schedule: 10s}}", "eval.smoke.schedule: must be at least 1m");
        assertError(
                "eval: {smoke: {models: [a], judge: j, golden: nowhere.jsonl}}",
                "eval.smoke.golden: no golden-set file");
        assertError("eval: {smok: {}}", "eval.smok");
    }

    @Test
    void aMissingFileIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.yaml does not exist");
    }

    @Test
    void aKeyWrittenTwiceIsRejectedAtAnyDepthWithItsPlace() {
        // Before: the second server: replaced the first, silently dropping port 8080 for the default.
        assertThatThrownBy(() -> loader.parse("""
                server:
                  port: 8080
                logging: {level: info, level: debug}
                server:
                  host: 0.0.0.0
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("<config>:4:1: server: duplicate key (first written at line 1)")
                .hasMessageContaining("<config>:3:24: logging.level: duplicate key (first written at line 3)");
    }

    @Test
    void everyProblemIsReportedAtOnceWithFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(file, """
                server:
                  port: many
                logging:
                  level: loud
                backends:
                  - name: gpu
                    kind: openai
                    url: ftp://x
                    timeouts: {connect: soon}
                models:
                  - {name: a, backend: nowhere}
                  - {name: b, backend: gpu, colour: red}
                """);
        assertThatThrownBy(() -> loader.load(file))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .startsWith("6 problems in the configuration:")
                        .contains(file + ":2:3: server.port: expected a whole number, got 'many'")
                        .contains(file
                                + ":4:3: logging.level: expected one of trace, debug, info, warn, error, got 'loud'")
                        .contains(file + ":8:5: backends[0].url: expected an http:// or https:// URL, got 'ftp://x'")
                        .contains(file + ":9:16: backends[0].timeouts.connect: expected a duration")
                        .contains(file + ":11:15: models[0].backend: no backend named 'nowhere'")
                        .contains(file + ":12:29: models[1].colour: unknown key")
                        .containsSubsequence(":2:3:", ":4:3:", ":8:5:", ":9:16:", ":11:15:", ":12:29:"));
    }

    @Test
    void aMissingRequiredKeyIsPlacedAtItsParent() {
        assertError("""
                backends:
                  - kind: openai
                    url: http://x
                """, "<config>:2:5: backends[0].name: is required");
    }

    @Test
    void aBadEnvironmentOverrideIsNamedAsSuch() {
        ConfigLoader withEnvironment =
                new ConfigLoader(Map.of("PALISADE_SERVER_PORT", "eighty", "PALISADE_LOGGING_FORMAT", "xml"));
        assertThatThrownBy(() -> withEnvironment.parse("server:\n  port: 8080\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "environment PALISADE_SERVER_PORT (overrides server.port): expected a whole number, got 'eighty'")
                .hasMessageContaining(
                        "environment PALISADE_LOGGING_FORMAT (overrides logging.format): expected console or json, got 'xml'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("<config>:"));
    }

    @Test
    void aYamlSyntaxErrorNamesFileLineAndColumn() {
        assertError("server:\n  port: [1, 2\n", "<config>:");
        assertError("server:\n  port: [1, 2\n", ": config is not valid YAML: ");
    }

    @Test
    void secretsAndPasswordHoldingUrlsAreReadFromMountedFiles(@TempDir Path dir) throws Exception {
        // Compose and Kubernetes mount secrets as files (/run/secrets/NAME): `file:PATH` reads one, without its
        // trailing line break, and prints only the path.
        Path adminKey = Files.writeString(dir.resolve("admin_key"), "admin-key-0123456789abcdef\n");
        Path storeUrl = Files.writeString(dir.resolve("store_url"), "postgresql://app:s3cret@db:5432/palisade\r\n");
        Path redisUrl = Files.writeString(dir.resolve("redis_url"), "redis://:r3dis@redis:6379");
        Path token = Files.writeString(dir.resolve("metrics_token"), "scrape-token");
        PalisadeConfig config = loader.parse("admin: {key: \"file:" + adminKey + "\"}\n"
                + "store: {url: \"file:" + storeUrl + "\"}\n"
                + "limits: {redis_url: \"file:" + redisUrl + "\"}\n"
                + "metrics: {token: \"file:" + token + "\"}\n");
        assertThat(config.adminKey().reveal()).isEqualTo("admin-key-0123456789abcdef");
        assertThat(config.adminKey().toString()).isEqualTo("<secret from file:" + adminKey + ">");
        assertThat(config.storeUrl()).isEqualTo("postgresql://app:s3cret@db:5432/palisade");
        assertThat(config.limits().redisUrl()).isEqualTo("redis://:r3dis@redis:6379");
        assertThat(config.observability().metricsToken().reveal()).isEqualTo("scrape-token");

        // The environment override may point at a file too (PALISADE_STORE_URL=file:/run/secrets/store_url).
        PalisadeConfig fromEnvironment = new ConfigLoader(Map.of("PALISADE_STORE_URL", "file:" + storeUrl)).parse("");
        assertThat(fromEnvironment.storeUrl()).isEqualTo("postgresql://app:s3cret@db:5432/palisade");
    }

    @Test
    void anUnusableSecretFileIsAClearErrorThatNeverShowsItsContent(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nowhere");
        assertError(
                "admin: {key: \"file:" + missing + "\"}",
                "admin.key: refers to file " + missing + ", which does not exist or is not a regular file");
        assertError(
                "store: {url: \"file:" + dir + "\"}",
                "store.url: refers to file " + dir + ", which does not exist or is not a regular file");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertError(
                "metrics: {token: \"file:" + empty + "\"}",
                "metrics.token: refers to file " + empty + ", which is empty");
        Path huge = Files.write(dir.resolve("huge"), new byte[70_000]);
        assertError("limits: {redis_url: \"file:" + huge + "\"}", "which is larger than 65536 bytes");
        Path wrong = Files.writeString(dir.resolve("wrong"), "db.internal:6379 with-p4ssword");
        assertThatThrownBy(() -> loader.parse("limits: {redis_url: \"file:" + wrong + "\"}"))
                .hasMessageContaining("limits.redis_url: expected redis://host:port")
                .hasMessageNotContaining("p4ssword");
    }

    private void assertError(String yaml, String expected) {
        assertThatThrownBy(() -> loader.parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected);
    }
}
