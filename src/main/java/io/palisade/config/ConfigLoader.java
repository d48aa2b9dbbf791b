package io.palisade.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.palisade.store.StoreUrl;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code palisade.yaml} (or nothing: every key has a working default), applies environment
 * overrides and validates everything up front, so a bad config fails at start-up, never mid-request.
 * Every key and default is documented in docs/configuration.md and pinned by ConfigLoaderTest.
 */
public final class ConfigLoader {
    public static final String DEFAULT_STORE_URL = "sqlite:./data/palisade.db";

    private final Map<String, String> environment;

    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Loads {@code file}; a null file means "no config file": defaults plus environment. */
    public PalisadeConfig load(Path file) {
        if (file == null) {
            return parse("", Path.of(""));
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist or is not a file");
        }
        try {
            return parse(Files.readString(file), file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses config text; relative paths in it (the lock file) are relative to the working directory. */
    public PalisadeConfig parse(String yaml) {
        return parse(yaml, Path.of(""));
    }

    /** Parses config text whose relative paths are relative to {@code directory} (the config file's). */
    public PalisadeConfig parse(String yaml, Path directory) {
        JsonNode root;
        try {
            root = yaml.isBlank() ? null : new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JacksonException e) {
            throw new ConfigException("config is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        ConfigSection top = new ConfigSection(root, "", environment, true);
        top.rejectUnknownKeys(Set.of("server", "store", "backends", "models", "audit", "limits", "admin", "logging", "discovery",
                "metrics", "health", "tracing", "routing"));

        ConfigSection server = top.section("server");
        server.rejectUnknownKeys(Set.of("host", "port", "max_body_bytes", "trust_forwarded_for"));
        ServerConfig serverConfig = new ServerConfig(
                server.string("host", "127.0.0.1"),
                server.integer("port", 4000, 0, 65535),
                server.longValue("max_body_bytes", 10L * 1024 * 1024, 1024, 1L << 31),
                server.bool("trust_forwarded_for", false));

        ConfigSection store = top.section("store");
        store.rejectUnknownKeys(Set.of("url"));
        String storeUrl = storeUrl(store);

        List<BackendConfig> backends = backends(top);
        RoutingConfig routing = routing(top.section("routing"), directory);
        List<ModelConfig> models = new ModelConfigReader(backends, LockFile.read(routing.lockFile())).read(top);

        ConfigSection audit = top.section("audit");
        audit.rejectUnknownKeys(Set.of("content", "content_max_chars", "group_commit_max_batch"));
        AuditConfig auditConfig = new AuditConfig(
                audit.choice("content", AuditConfig.ContentCapture.class, AuditConfig.ContentCapture.OFF),
                audit.integer("content_max_chars", 2000, 1, Integer.MAX_VALUE),
                audit.integer("group_commit_max_batch", 256, 1, 100_000));

        LimitsConfig limitsConfig = limits(top.section("limits"));

        ConfigSection admin = top.section("admin");
        admin.rejectUnknownKeys(Set.of("key"));
        Secret adminKey = admin.secret("key");

        ConfigSection logging = top.section("logging");
        logging.rejectUnknownKeys(Set.of("level", "format", "requests"));
        String level = logging.string("level", "info").toLowerCase(Locale.ROOT);
        if (!Set.of("trace", "debug", "info", "warn", "error").contains(level)) {
            throw new ConfigException(logging.describe("level") + ": expected one of trace, debug, info, warn, error, got '" + level + "'");
        }
        String format = logging.string("format", "console").toLowerCase(Locale.ROOT);
        if (!Set.of("console", "json").contains(format)) {
            throw new ConfigException(logging.describe("format") + ": expected console or json, got '" + format + "'");
        }

        ConfigSection discovery = top.section("discovery");
        discovery.rejectUnknownKeys(Set.of("interval"));
        Duration discoveryInterval = discovery.duration("interval", Duration.ofSeconds(60));

        return new PalisadeConfig(serverConfig, storeUrl, backends, models, auditConfig, limitsConfig,
                adminKey, new LoggingConfig(level, format), discoveryInterval, observability(top, logging), routing);
    }

    private static RoutingConfig routing(ConfigSection routing, Path directory) {
        routing.rejectUnknownKeys(Set.of("retry", "circuit_breaker", "pins", "promotion", "reload"));
        RoutingConfig defaults = RoutingConfig.DEFAULTS;
        ConfigSection retry = routing.section("retry");
        retry.rejectUnknownKeys(Set.of("max_attempts", "max_total_attempts", "budget", "backoff", "backoff_max"));
        ConfigSection breaker = routing.section("circuit_breaker");
        breaker.rejectUnknownKeys(Set.of("failures", "cool_down"));
        ConfigSection pins = routing.section("pins");
        pins.rejectUnknownKeys(Set.of("verify_interval", "on_drift", "lock_file"));
        ConfigSection promotion = routing.section("promotion");
        promotion.rejectUnknownKeys(Set.of("require_eval"));
        ConfigSection reload = routing.section("reload");
        reload.rejectUnknownKeys(Set.of("watch"));
        int maxAttempts = retry.integer("max_attempts", defaults.maxAttempts(), 1, 20);
        int maxTotal = retry.integer("max_total_attempts", Math.max(defaults.maxTotalAttempts(), maxAttempts), 1, 100);
        if (maxTotal < maxAttempts) {
            throw new ConfigException(retry.describe("max_total_attempts") + ": must be at least max_attempts (" + maxAttempts + ")");
        }
        Duration backoff = retry.duration("backoff", defaults.backoff());
        Duration backoffMax = retry.duration("backoff_max", defaults.backoffMax());
        if (backoffMax.compareTo(backoff) < 0) {
            throw new ConfigException(retry.describe("backoff_max") + ": must be at least backoff (" + backoff.toMillis() + "ms)");
        }
        String onDrift = pins.string("on_drift", "stop");
        if (!Set.of("stop", "alert").contains(onDrift)) {
            throw new ConfigException(pins.describe("on_drift") + ": expected stop or alert, got '" + onDrift + "'");
        }
        Path lockFile = directory.resolve(pins.string("lock_file", "palisade.lock.yaml"));
        return new RoutingConfig(maxAttempts, maxTotal, positive(retry, "budget", defaults.retryBudget()), backoff, backoffMax,
                breaker.integer("failures", defaults.breakerFailures(), 1, 1000), positive(breaker, "cool_down", defaults.breakerCoolDown()),
                pins.duration("verify_interval", defaults.verifyInterval()), onDrift.equals("stop"), lockFile,
                promotion.bool("require_eval", defaults.promotionRequiresEval()), reload.bool("watch", defaults.watchConfig()));
    }

    private static ObservabilityConfig observability(ConfigSection top, ConfigSection logging) {
        ConfigSection metrics = top.section("metrics");
        metrics.rejectUnknownKeys(Set.of("token", "port", "per_user", "max_users"));
        ConfigSection health = top.section("health");
        health.rejectUnknownKeys(Set.of("probe_interval"));
        ConfigSection tracing = top.section("tracing");
        tracing.rejectUnknownKeys(Set.of("otlp_endpoint", "service_name", "sample_ratio"));
        Duration probeInterval = health.duration("probe_interval", Duration.ofSeconds(10));
        if (probeInterval.toMillis() < 100) {
            throw new ConfigException(health.describe("probe_interval") + ": must be at least 100ms");
        }
        URI otlp = null;
        String endpoint = tracing.string("otlp_endpoint", null);
        if (endpoint != null && !endpoint.isBlank()) {
            try {
                otlp = new URI(endpoint);
            } catch (URISyntaxException e) {
                throw new ConfigException(tracing.describe("otlp_endpoint") + ": not a valid URL: '" + endpoint + "'");
            }
            if (!("http".equals(otlp.getScheme()) || "https".equals(otlp.getScheme()))) {
                throw new ConfigException(tracing.describe("otlp_endpoint") + ": expected an http(s) URL such as http://127.0.0.1:4318/v1/traces");
            }
        }
        // Unset tracing keys stay null so the standard OTEL_* variables can fill them (io.palisade.tracing.TracingSettings).
        Double sampleRatio = tracing.string("sample_ratio", null) == null ? null : tracing.decimal("sample_ratio", 1.0);
        if (sampleRatio != null && sampleRatio > 1) {
            throw new ConfigException(tracing.describe("sample_ratio") + ": expected a number between 0 and 1, got " + sampleRatio);
        }
        return new ObservabilityConfig(metrics.secret("token"), metrics.integer("port", 0, 0, 65535), probeInterval,
                logging.bool("requests", true), otlp, tracing.string("service_name", null), metrics.bool("per_user", false),
                metrics.integer("max_users", 100, 1, 10_000), sampleRatio);
    }

    private static LimitsConfig limits(ConfigSection limits) {
        limits.rejectUnknownKeys(Set.of("default_requests_per_minute", "default_tokens_per_minute", "default_max_concurrent",
                "max_prompt_tokens", "max_output_tokens", "output_cap_mode", "default_output_cap", "tokens_counted", "redis_url",
                "redis_failure", "pricing"));
        String capMode = limits.string("output_cap_mode", "reject");
        if (!Set.of("reject", "clamp").contains(capMode)) {
            throw new ConfigException(limits.describe("output_cap_mode") + ": expected reject or clamp, got '" + capMode + "'");
        }
        String redisFailure = limits.string("redis_failure", "closed");
        if (!Set.of("closed", "open").contains(redisFailure)) {
            throw new ConfigException(limits.describe("redis_failure") + ": expected closed or open, got '" + redisFailure + "'");
        }
        String redisUrl = limits.string("redis_url", null);
        if (redisUrl != null && !(redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"))) {
            throw new ConfigException(limits.describe("redis_url") + ": expected redis://host:port, got '" + redisUrl + "'");
        }
        List<LimitsConfig.Price> pricing = new ArrayList<>();
        for (ConfigSection price : limits.list("pricing")) {
            price.rejectUnknownKeys(Set.of("model", "prompt_per_1k", "completion_per_1k"));
            pricing.add(new LimitsConfig.Price(price.requiredString("model"), price.decimal("prompt_per_1k", 0),
                    price.decimal("completion_per_1k", 0)));
        }
        return new LimitsConfig(
                limits.integer("default_requests_per_minute", 120, 0, 10_000_000),
                limits.integer("default_tokens_per_minute", 0, 0, Integer.MAX_VALUE),
                limits.integer("default_max_concurrent", 0, 0, 1_000_000),
                limits.integer("max_prompt_tokens", 0, 0, Integer.MAX_VALUE),
                limits.integer("max_output_tokens", 0, 0, Integer.MAX_VALUE),
                capMode.equals("clamp"),
                limits.integer("default_output_cap", 1024, 1, Integer.MAX_VALUE),
                limits.choice("tokens_counted", LimitsConfig.TokensCounted.class, LimitsConfig.TokensCounted.TOTAL),
                redisUrl,
                redisFailure.equals("open"),
                pricing);
    }

    private static String storeUrl(ConfigSection store) {
        String url = store.string("url", DEFAULT_STORE_URL);
        try {
            StoreUrl.parse(url);
        } catch (IllegalArgumentException e) {
            // The parser's message never holds the password, so it is fit for the start-up error.
            throw new ConfigException(store.describe("url") + ": " + e.getMessage());
        }
        return url;
    }

    private static List<BackendConfig> backends(ConfigSection top) {
        List<ConfigSection> sections = top.list("backends");
        if (!top.has("backends") && sections.isEmpty()) {
            return List.of(new BackendConfig("ollama", BackendKind.OLLAMA, URI.create("http://127.0.0.1:11434"),
                    Secret.empty(), true, Timeouts.DEFAULTS));
        }
        List<BackendConfig> backends = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigSection section : sections) {
            section.rejectUnknownKeys(Set.of("name", "kind", "url", "api_key", "discover_models", "timeouts"));
            String name = section.requiredString("name");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                throw new ConfigException(section.describe("name") + ": use letters, digits, '.', '_' or '-' (at most 63), got '" + name + "'");
            }
            if (!names.add(name)) {
                throw new ConfigException(section.describe("name") + ": backend name '" + name + "' is used twice");
            }
            BackendKind kind = section.choice("kind", BackendKind.class, null);
            if (kind == null) {
                throw new ConfigException(section.describe("kind") + ": is required (ollama or openai)");
            }
            URI url = httpUrl(section);
            ConfigSection timeouts = section.section("timeouts");
            timeouts.rejectUnknownKeys(Set.of("connect", "first_byte", "total"));
            Timeouts timeoutConfig = new Timeouts(
                    positive(timeouts, "connect", Timeouts.DEFAULTS.connect()),
                    positive(timeouts, "first_byte", Timeouts.DEFAULTS.firstByte()),
                    positive(timeouts, "total", Timeouts.DEFAULTS.total()));
            backends.add(new BackendConfig(name, kind, url, section.secret("api_key"),
                    section.bool("discover_models", kind == BackendKind.OLLAMA), timeoutConfig));
        }
        return backends;
    }

    private static Duration positive(ConfigSection section, String key, Duration fallback) {
        Duration value = section.duration(key, fallback);
        if (value.isZero()) {
            throw new ConfigException(section.describe(key) + ": must be greater than zero");
        }
        return value;
    }

    private static URI httpUrl(ConfigSection section) {
        String text = section.requiredString("url");
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(section.describe("url") + ": expected an http:// or https:// URL, got '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(section.describe("url") + ": not a valid URL: '" + text + "'");
        }
    }
}
