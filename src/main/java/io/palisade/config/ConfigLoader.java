package io.palisade.config;

import com.fasterxml.jackson.core.JacksonException;
import io.palisade.net.AddressRange;
import io.palisade.net.TrustedProxies;
import io.palisade.store.StoreUrl;
import io.palisade.tls.TlsFileException;
import io.palisade.tls.TlsFiles;
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
            return parse(Files.readString(file), file.toAbsolutePath().getParent(), file.toString());
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
        return parse(yaml, directory, "<config>");
    }

    /**
     * Parses config text read from {@code source} (the name errors start with). Every problem found is
     * reported in one {@link ConfigException}, each with its file:line:column or environment variable.
     */
    private PalisadeConfig parse(String yaml, Path directory, String source) {
        LocatedYaml document;
        try {
            document = LocatedYaml.read(yaml);
        } catch (JacksonException e) {
            throw new ConfigException(source
                    + (e.getLocation() == null
                            ? ""
                            : ":" + e.getLocation().getLineNr() + ":"
                                    + e.getLocation().getColumnNr())
                    + ": config is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read: " + e.getMessage(), e);
        }
        ConfigProblems problems = new ConfigProblems(source, document.locations());
        document.duplicates()
                .forEach(duplicate -> problems.at(
                        duplicate.path(),
                        duplicate.location(),
                        "duplicate key (first written at line " + duplicate.firstLine() + "); a key may appear once"));
        PalisadeConfig config = null;
        try {
            config = build(new ConfigSection(document.root(), environment, problems), directory);
        } catch (ConfigException e) {
            problems.add(e); // a check that could not carry on; everything found before it is reported with it
        }
        problems.throwIfAny();
        return config;
    }

    private PalisadeConfig build(ConfigSection top, Path directory) {
        top.rejectUnknownKeys(Set.of(
                "server",
                "store",
                "backends",
                "models",
                "audit",
                "limits",
                "admin",
                "logging",
                "discovery",
                "metrics",
                "health",
                "tracing",
                "routing",
                "eval"));

        ConfigSection server = top.section("server");
        if (server.has("trust_forwarded_for")) {
            server.report(
                    "trust_forwarded_for",
                    "was removed, because it believed any caller's "
                            + "X-Forwarded-For; list the addresses of your proxies in server.trusted_proxies instead (e.g. [127.0.0.1, 10.0.0.0/8])");
        }
        server.rejectUnknownKeys(Set.of(
                "host",
                "port",
                "max_body_bytes",
                "header_timeout",
                "body_read_timeout",
                "idle_timeout",
                "max_connections",
                "trusted_proxies",
                "tls",
                "http2",
                "h2c"));
        ServerConfig serverConfig = new ServerConfig(
                server.string("host", "127.0.0.1"),
                server.integer("port", 4000, 0, 65535),
                server.longValue("max_body_bytes", 10L * 1024 * 1024, 1024, 1L << 31),
                positive(server, "header_timeout", Duration.ofSeconds(30)),
                positive(server, "body_read_timeout", Duration.ofSeconds(60)),
                positive(server, "idle_timeout", Duration.ofSeconds(60)),
                server.integer("max_connections", 0, 0, 10_000_000),
                trustedProxies(server),
                tls(server.section("tls"), directory),
                server.bool("http2", true),
                server.bool("h2c", false));

        ConfigSection store = top.section("store");
        store.rejectUnknownKeys(Set.of("url"));
        String storeUrl = storeUrl(store);

        List<BackendConfig> backends = backends(top);
        RoutingConfig routing = routing(top.section("routing"), directory);
        List<ModelConfig> models = new ModelConfigReader(backends, LockFile.read(routing.lockFile())).read(top);

        ConfigSection audit = top.section("audit");
        audit.rejectUnknownKeys(Set.of(
                "content",
                "content_max_chars",
                "group_commit_max_batch",
                "checkpoint_file",
                "checkpoint_interval",
                "checkpoint_every_records",
                "checkpoint_key",
                "retention",
                "archive_dir"));
        AuditConfig auditConfig = new AuditConfig(
                audit.choice("content", AuditConfig.ContentCapture.class, AuditConfig.ContentCapture.OFF),
                audit.integer("content_max_chars", 2000, 1, Integer.MAX_VALUE),
                audit.integer("group_commit_max_batch", 256, 1, 100_000),
                checkpoints(audit),
                retention(audit));

        LimitsConfig limitsConfig = limits(top.section("limits"));

        ConfigSection admin = top.section("admin");
        admin.rejectUnknownKeys(Set.of("key"));
        Secret adminKey = admin.secret("key");

        ConfigSection logging = top.section("logging");
        logging.rejectUnknownKeys(Set.of("level", "format", "requests"));
        String level = logging.string("level", "info").toLowerCase(Locale.ROOT);
        if (!Set.of("trace", "debug", "info", "warn", "error").contains(level)) {
            logging.report("level", "expected one of trace, debug, info, warn, error, got '" + level + "'");
        }
        String format = logging.string("format", "console").toLowerCase(Locale.ROOT);
        if (!Set.of("console", "json").contains(format)) {
            logging.report("format", "expected console or json, got '" + format + "'");
        }

        ConfigSection discovery = top.section("discovery");
        discovery.rejectUnknownKeys(Set.of("interval"));
        Duration discoveryInterval = discovery.duration("interval", Duration.ofSeconds(60));

        return new PalisadeConfig(
                serverConfig,
                storeUrl,
                backends,
                models,
                auditConfig,
                limitsConfig,
                adminKey,
                new LoggingConfig(level, format),
                discoveryInterval,
                observability(top, logging),
                routing,
                smokeEval(top.section("eval"), directory));
    }

    /** {@code eval.smoke}: the judge is refused here, at config check, when it is one of the generators. */
    private static SmokeEvalConfig smokeEval(ConfigSection eval, Path directory) {
        eval.rejectUnknownKeys(Set.of("smoke"));
        ConfigSection smoke = eval.section("smoke");
        smoke.rejectUnknownKeys(
                Set.of("models", "judge", "threshold", "golden", "schedule", "max_age", "allow_same_family"));
        SmokeEvalConfig defaults = SmokeEvalConfig.NOT_CONFIGURED;
        List<String> models = smoke.strings("models");
        String judge = smoke.string("judge", null);
        if (judge != null && judge.isBlank()) {
            smoke.report("judge", "expected a model name");
            judge = null;
        }
        if (!models.isEmpty() && judge == null) {
            smoke.report("judge", "is required when eval.smoke.models is set (an independent judge model)");
        }
        if (judge != null && models.isEmpty()) {
            smoke.report("models", "is required when eval.smoke.judge is set (the generator models to check)");
        }
        if (judge != null && models.contains(judge)) {
            smoke.report(
                    "judge",
                    "'" + judge + "' is also one of eval.smoke.models; a model never grades its own answers:"
                            + " name another model as the judge");
        }
        if (new HashSet<>(models).size() != models.size()) {
            smoke.report("models", "names a model twice");
        }
        double threshold = smoke.decimal("threshold", defaults.threshold());
        if (threshold > 1) {
            smoke.report("threshold", "expected a pass rate between 0 and 1, got " + threshold);
            threshold = defaults.threshold();
        }
        String golden = smoke.string("golden", null);
        Path goldenFile = null;
        if (golden != null) {
            goldenFile = directory.resolve(golden);
            if (!Files.isRegularFile(goldenFile)) {
                smoke.report("golden", "no golden-set file at " + goldenFile);
            }
        }
        Duration maxAge = smoke.duration("max_age", defaults.maxAge());
        if (maxAge.isZero()) {
            smoke.report("max_age", "must be greater than zero");
        }
        Duration schedule = smoke.duration("schedule", defaults.schedule());
        if (!schedule.isZero() && schedule.compareTo(Duration.ofMinutes(1)) < 0) {
            smoke.report("schedule", "must be at least 1m (or 0 to switch scheduled runs off)");
        }
        return new SmokeEvalConfig(
                models,
                judge,
                threshold,
                goldenFile,
                schedule,
                maxAge,
                smoke.bool("allow_same_family", defaults.allowSameFamily()));
    }

    private static AuditConfig.Checkpoints checkpoints(ConfigSection audit) {
        AuditConfig.Checkpoints defaults = AuditConfig.Checkpoints.DEFAULTS;
        String file = audit.string("checkpoint_file", null);
        if (file != null && file.isBlank()) {
            audit.report("checkpoint_file", "expected a file path");
            file = null;
        }
        Duration interval = audit.duration("checkpoint_interval", defaults.interval());
        if (interval.toMillis() < 100) {
            audit.report("checkpoint_interval", "must be at least 100ms");
            interval = defaults.interval();
        }
        Secret key = audit.secret("checkpoint_key");
        // HMAC-SHA256 wants a key as long as its output; a short one is guessable offline from one signed line.
        if (key.isPresent() && key.reveal().length() < 32) {
            audit.report("checkpoint_key", "must be at least 32 characters (e.g. openssl rand -hex 32)");
        }
        // Relative to the working directory, like a SQLite store.url.
        return new AuditConfig.Checkpoints(
                file == null ? null : Path.of(file),
                interval,
                audit.integer("checkpoint_every_records", defaults.everyRecords(), 1, Integer.MAX_VALUE),
                key);
    }

    private static AuditConfig.Retention retention(ConfigSection audit) {
        Duration after = audit.duration("retention", null);
        if (after != null && after.compareTo(Duration.ofDays(1)) < 0) {
            // Shorter would archive records an operator may still be looking at, or a request still in flight.
            audit.report("retention", "must be at least 1d");
            after = null;
        }
        String directory = audit.string("archive_dir", null);
        if (directory != null && directory.isBlank()) {
            audit.report("archive_dir", "expected a directory path");
            directory = null;
        }
        // Relative to the working directory, like a SQLite store.url.
        return new AuditConfig.Retention(after, directory == null ? null : Path.of(directory));
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
            retry.report("max_total_attempts", "must be at least max_attempts (" + maxAttempts + ")");
        }
        Duration backoff = retry.duration("backoff", defaults.backoff());
        Duration backoffMax = retry.duration("backoff_max", defaults.backoffMax());
        if (backoffMax.compareTo(backoff) < 0) {
            retry.report("backoff_max", "must be at least backoff (" + backoff.toMillis() + "ms)");
        }
        String onDrift = pins.string("on_drift", "stop");
        if (!Set.of("stop", "alert").contains(onDrift)) {
            pins.report("on_drift", "expected stop or alert, got '" + onDrift + "'");
        }
        Path lockFile = directory.resolve(pins.string("lock_file", "palisade.lock.yaml"));
        return new RoutingConfig(
                maxAttempts,
                maxTotal,
                positive(retry, "budget", defaults.retryBudget()),
                backoff,
                backoffMax,
                breaker.integer("failures", defaults.breakerFailures(), 1, 1000),
                positive(breaker, "cool_down", defaults.breakerCoolDown()),
                pins.duration("verify_interval", defaults.verifyInterval()),
                onDrift.equals("stop"),
                lockFile,
                promotion.bool("require_eval", defaults.promotionRequiresEval()),
                reload.bool("watch", defaults.watchConfig()));
    }

    /** {@code metrics.port}: unset or 0 the main listener, 1-65535 a listener of their own, {@code any} one on a free port. */
    private static MetricsListener metricsListener(ConfigSection metrics) {
        String port = metrics.string("port", null);
        if (port != null && port.trim().equals("any")) {
            return new MetricsListener.Separate(0);
        }
        if (port != null && !port.trim().replace("_", "").matches("\\d+")) {
            metrics.report(
                    "port",
                    "expected a port number (0 = the main listener) or 'any' (a listener of their own on a free port), got '"
                            + port + "'");
            return MetricsListener.MAIN;
        }
        int number = metrics.integer("port", 0, 0, 65535);
        return number == 0 ? MetricsListener.MAIN : new MetricsListener.Separate(number);
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
            health.report("probe_interval", "must be at least 100ms");
        }
        URI otlp = null;
        String endpoint = tracing.string("otlp_endpoint", null);
        if (endpoint != null && !endpoint.isBlank()) {
            try {
                otlp = new URI(endpoint);
            } catch (URISyntaxException e) {
                tracing.report("otlp_endpoint", "not a valid URL: '" + endpoint + "'");
            }
            if (otlp != null && !("http".equals(otlp.getScheme()) || "https".equals(otlp.getScheme()))) {
                tracing.report("otlp_endpoint", "expected an http(s) URL such as http://127.0.0.1:4318/v1/traces");
            }
        }
        // Unset tracing keys stay null so the standard OTEL_* variables can fill them
        // (io.palisade.tracing.TracingSettings).
        Double sampleRatio = tracing.string("sample_ratio", null) == null ? null : tracing.decimal("sample_ratio", 1.0);
        if (sampleRatio != null && sampleRatio > 1) {
            throw new ConfigException(
                    tracing.describe("sample_ratio") + ": expected a number between 0 and 1, got " + sampleRatio);
        }
        return new ObservabilityConfig(
                metrics.secret("token"),
                metricsListener(metrics),
                probeInterval,
                logging.bool("requests", true),
                otlp,
                tracing.string("service_name", null),
                metrics.bool("per_user", false),
                metrics.integer("max_users", 100, 1, 10_000),
                sampleRatio);
    }

    private static LimitsConfig limits(ConfigSection limits) {
        limits.rejectUnknownKeys(Set.of(
                "default_requests_per_minute",
                "default_tokens_per_minute",
                "default_max_concurrent",
                "max_prompt_tokens",
                "max_output_tokens",
                "output_cap_mode",
                "default_output_cap",
                "tokens_counted",
                "redis_url",
                "redis_failure",
                "redis_lease",
                "pricing"));
        String capMode = limits.string("output_cap_mode", "reject");
        if (!Set.of("reject", "clamp").contains(capMode)) {
            limits.report("output_cap_mode", "expected reject or clamp, got '" + capMode + "'");
        }
        String redisFailure = limits.string("redis_failure", "closed");
        if (!Set.of("closed", "open").contains(redisFailure)) {
            limits.report("redis_failure", "expected closed or open, got '" + redisFailure + "'");
        }
        String redisUrl = limits.stringOrFile("redis_url", null);
        if (redisUrl != null && !(redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"))) {
            // The value is not echoed: it may hold a password (and may have come from a secret file).
            limits.report(
                    "redis_url",
                    "expected redis://host:port or rediss://host:port (the value is not shown: it may hold"
                            + " a password)");
        }
        List<LimitsConfig.Price> pricing = new ArrayList<>();
        for (ConfigSection price : limits.list("pricing")) {
            price.rejectUnknownKeys(Set.of("model", "prompt_per_1k", "completion_per_1k"));
            pricing.add(new LimitsConfig.Price(
                    price.requiredString("model"),
                    price.decimal("prompt_per_1k", 0),
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
                pricing,
                redisLease(limits));
    }

    private static Duration redisLease(ConfigSection limits) {
        Duration lease = limits.duration("redis_lease", LimitsConfig.DEFAULT_REDIS_LEASE);
        if (lease.compareTo(Duration.ofMillis(500)) < 0 || lease.compareTo(Duration.ofMinutes(10)) > 0) {
            limits.report("redis_lease", "expected between 500ms and 10m, got " + lease.toMillis() + " ms");
            return LimitsConfig.DEFAULT_REDIS_LEASE;
        }
        return lease;
    }

    /**
     * {@code server.tls}: the files are read and checked here (so {@code palisade config check} and a
     * start-up refuse a bad one before anything listens); relative paths are the config file's.
     */
    private static TlsConfig tls(ConfigSection tls, Path directory) {
        tls.rejectUnknownKeys(
                Set.of("certificate", "key", "key_password_file", "client_ca", "admin_client_auth", "reload_interval"));
        Path certificate = optionalPath(tls, "certificate", directory);
        Path key = optionalPath(tls, "key", directory);
        Path password = optionalPath(tls, "key_password_file", directory);
        Path clientCa = optionalPath(tls, "client_ca", directory);
        TlsConfig.AdminClientAuth adminClientAuth =
                tls.choice("admin_client_auth", TlsConfig.AdminClientAuth.class, TlsConfig.AdminClientAuth.OFF);
        Duration interval = tls.duration("reload_interval", TlsConfig.OFF.reloadInterval());
        if (interval.toMillis() < 100) {
            tls.report("reload_interval", "must be at least 100ms");
            interval = TlsConfig.OFF.reloadInterval();
        }
        if (certificate == null && key == null) {
            for (String needsTls : List.of("key_password_file", "client_ca")) {
                if (tls.has(needsTls)) {
                    tls.report(needsTls, "needs server.tls.certificate and server.tls.key");
                }
            }
            if (adminClientAuth == TlsConfig.AdminClientAuth.REQUIRED) {
                tls.report("admin_client_auth", "required needs server.tls.certificate, key and client_ca");
            }
            return new TlsConfig(null, adminClientAuth, interval);
        }
        if (certificate == null || key == null) {
            tls.report(
                    certificate == null ? "certificate" : "key",
                    "is required with server.tls." + (certificate == null ? "key" : "certificate"));
            return TlsConfig.OFF;
        }
        if (adminClientAuth == TlsConfig.AdminClientAuth.REQUIRED && clientCa == null) {
            tls.report(
                    "admin_client_auth",
                    "required needs server.tls.client_ca, the CA bundle client certificates chain to");
        }
        TlsFiles files = new TlsFiles(certificate, key, password, clientCa);
        try {
            files.load();
        } catch (TlsFileException e) {
            tls.report(fileKey(e, files), e.getMessage());
        }
        return new TlsConfig(files, adminClientAuth, interval);
    }

    /** The key of the file a problem is about, so the report points at the line that names it. */
    private static String fileKey(TlsFileException e, TlsFiles files) {
        Path file = e.file();
        if (file.equals(files.key())) {
            return "key";
        }
        if (file.equals(files.keyPasswordFile())) {
            return "key_password_file";
        }
        if (file.equals(files.clientCa())) {
            return "client_ca";
        }
        return "certificate";
    }

    private static Path optionalPath(ConfigSection section, String key, Path directory) {
        String value = section.string(key, null);
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            section.report(key, "expected a file path");
            return null;
        }
        return directory.resolve(value);
    }

    private static TrustedProxies trustedProxies(ConfigSection server) {
        List<String> entries = server.strings("trusted_proxies");
        List<AddressRange> ranges = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                ranges.add(AddressRange.parse(entries.get(i)));
            } catch (IllegalArgumentException e) {
                server.report("trusted_proxies[" + i + "]", e.getMessage());
            }
        }
        return TrustedProxies.of(ranges);
    }

    private static String storeUrl(ConfigSection store) {
        String url = store.stringOrFile("url", DEFAULT_STORE_URL);
        if (url == null) {
            return DEFAULT_STORE_URL; // the unreadable file is reported; the load fails with it
        }
        try {
            StoreUrl.parse(url);
        } catch (IllegalArgumentException e) {
            // The parser's message never holds the password, so it is fit for the start-up error.
            store.report("url", e.getMessage());
        }
        return url;
    }

    private static List<BackendConfig> backends(ConfigSection top) {
        List<ConfigSection> sections = top.list("backends");
        if (!top.has("backends") && sections.isEmpty()) {
            return List.of(new BackendConfig(
                    "ollama",
                    BackendKind.OLLAMA,
                    URI.create("http://127.0.0.1:11434"),
                    Secret.empty(),
                    true,
                    Timeouts.DEFAULTS));
        }
        List<BackendConfig> backends = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigSection section : sections) {
            section.rejectUnknownKeys(Set.of("name", "kind", "url", "api_key", "discover_models", "timeouts"));
            String name = section.requiredString("name");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                section.report("name", "use letters, digits, '.', '_' or '-' (at most 63), got '" + name + "'");
            }
            if (!names.add(name)) {
                section.report("name", "backend name '" + name + "' is used twice");
            }
            BackendKind kind = section.choice("kind", BackendKind.class, null);
            if (kind == null) {
                section.report("kind", "is required (ollama or openai)");
            }
            URI url = httpUrl(section);
            ConfigSection timeouts = section.section("timeouts");
            timeouts.rejectUnknownKeys(Set.of("connect", "first_byte", "total", "checks"));
            Timeouts timeoutConfig = new Timeouts(
                    positive(timeouts, "connect", Timeouts.DEFAULTS.connect()),
                    positive(timeouts, "first_byte", Timeouts.DEFAULTS.firstByte()),
                    positive(timeouts, "total", Timeouts.DEFAULTS.total()),
                    positive(timeouts, "checks", Timeouts.DEFAULTS.checks()));
            backends.add(new BackendConfig(
                    name,
                    kind,
                    url,
                    section.secret("api_key"),
                    section.bool("discover_models", kind == BackendKind.OLLAMA),
                    timeoutConfig));
        }
        return backends;
    }

    private static Duration positive(ConfigSection section, String key, Duration fallback) {
        Duration value = section.duration(key, fallback);
        if (value.isZero()) {
            section.report(key, "must be greater than zero");
        }
        return value;
    }

    private static URI httpUrl(ConfigSection section) {
        String text = section.requiredString("url");
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                section.report("url", "expected an http:// or https:// URL, got '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            section.report("url", "not a valid URL: '" + text + "'");
            return null;
        }
    }
}
