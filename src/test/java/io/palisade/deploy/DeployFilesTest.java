package io.palisade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import io.palisade.TestGateway;
import io.palisade.deploy.DeployFiles.AlertRule;
import io.palisade.deploy.DeployFiles.DashboardQuery;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped alert rules, dashboards and runbooks (deploy/, docs/operations.md) against the real
 * gateway: every metric they read is one Palisade exports (or a listed external one), every alert
 * has a runbook, and the files are what Prometheus and Grafana accept. A renamed metric or a typo in
 * a query would otherwise fail silently, as an alert that never fires or an empty panel.
 */
class DeployFilesTest {
    /** Prefixes of names the gateway's own /metrics serves; checked against a live scrape. */
    private static final List<String> GATEWAY_PREFIXES = List.of("palisade_", "jvm_", "process_");

    /**
     * Names read from other exporters, each with its source. Checked by hand against the exporters'
     * documentation; this list is what must be re-checked when upgrading one of them.
     */
    private static final Map<String, String> EXTERNAL_METRICS = Map.ofEntries(
            // Prometheus itself: 1 when the last scrape of a target succeeded.
            Map.entry("up", "Prometheus"),
            // vLLM's /metrics (OpenAI-compatible server). kv_cache_usage_perc replaced gpu_cache_usage_perc
            // in newer releases; the rules read either.
            Map.entry("vllm:kv_cache_usage_perc", "vLLM"),
            Map.entry("vllm:gpu_cache_usage_perc", "vLLM (older releases)"),
            Map.entry("vllm:num_requests_waiting", "vLLM"),
            Map.entry("vllm:num_requests_running", "vLLM"),
            Map.entry("vllm:num_preemptions_total", "vLLM"),
            // llama.cpp's llama-server, started with --metrics.
            Map.entry("llamacpp:requests_deferred", "llama.cpp llama-server --metrics"),
            Map.entry("llamacpp:requests_processing", "llama.cpp llama-server --metrics"),
            // NVIDIA dcgm-exporter, default counters.
            Map.entry("DCGM_FI_DEV_GPU_UTIL", "NVIDIA dcgm-exporter"),
            Map.entry("DCGM_FI_DEV_FB_USED", "NVIDIA dcgm-exporter"),
            Map.entry("DCGM_FI_DEV_FB_FREE", "NVIDIA dcgm-exporter"),
            Map.entry("DCGM_FI_DEV_XID_ERRORS", "NVIDIA dcgm-exporter"),
            // Prometheus node-exporter, filesystem collector.
            Map.entry("node_filesystem_avail_bytes", "node-exporter"),
            Map.entry("node_filesystem_size_bytes", "node-exporter"));

    private static final String CHAT =
            "{\"model\":\"%s\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void tokenizerKeepsMetricNamesAndDropsEverythingElse() {
        assertThat(PromQlMetricNames.in("""
                histogram_quantile(0.99, sum by (le, route) (rate(palisade_request_duration_seconds_bucket{route=~"/v1/.*"}[5m])))
                  / on() group_left(model) sum without (instance) (palisade_tokens_total offset 1h) > bool 1e+3
                and ignoring(job) vllm:kv_cache_usage_perc or vllm:gpu_cache_usage_perc unless up{job="x {y}"} # comment metric_in_comment
                """))
                .containsExactlyInAnyOrder(
                        "palisade_request_duration_seconds_bucket",
                        "palisade_tokens_total",
                        "vllm:kv_cache_usage_perc",
                        "vllm:gpu_cache_usage_perc",
                        "up");
        assertThat(PromQlMetricNames.in(
                        "sum(increase(palisade_cost_usd_total{team=\"$team\"}[$__range])) * 3600 / ${divisor:raw}"))
                .containsExactly("palisade_cost_usd_total");
        assertThat(PromQlMetricNames.in(
                        "topk(10, label_replace(DCGM_FI_DEV_FB_USED, \"x\", \"$1\", \"gpu\", \"(.*)\"))"))
                .containsExactly("DCGM_FI_DEV_FB_USED");
        assertThat(PromQlMetricNames.in("absent(up{job=\"palisade\"}) or vector(0) > Inf"))
                .containsExactly("up");
    }

    @Test
    void alertsAndDashboardsReadOnlyGatewayOrListedExternalMetrics() {
        Map<String, Set<String>> namesBySource = referencedNames();
        assertThat(namesBySource).as("alerts.yml and at least one dashboard").hasSizeGreaterThan(1);
        Set<String> all = new TreeSet<>();
        namesBySource.values().forEach(all::addAll);

        List<String> unknown = all.stream()
                .filter(name -> !isGatewayMetric(name) && !EXTERNAL_METRICS.containsKey(name))
                .toList();
        assertThat(unknown)
                .as("metric names neither exported by Palisade nor in EXTERNAL_METRICS")
                .isEmpty();
        assertThat(EXTERNAL_METRICS.keySet())
                .as("EXTERNAL_METRICS entries no rule or panel reads any more")
                .allMatch(all::contains);
    }

    @Test
    void everyGatewayMetricReadIsInALiveScrapeAndDocumented(@TempDir Path dir) {
        Set<String> wanted = new TreeSet<>();
        referencedNames()
                .values()
                .forEach(names ->
                        names.stream().filter(DeployFilesTest::isGatewayMetric).forEach(wanted::add));
        assertThat(wanted).isNotEmpty();

        // Pricing makes cost move; labelled series exist only once something was counted in them.
        // A smoke evaluation gives the palisade_eval_* series their first values (its verdict does not matter).
        try (TestGateway gateway = TestGateway.start(
                dir,
                "limits: {pricing: [{model: \"*\", prompt_per_1k: 0.5, completion_per_1k: 1.5}]}\n"
                        + "eval: {smoke: {models: [\"llama3.2:1b\"], judge: \"qwen3:0.6b\"}}")) {
            driveEveryKindOfOutcome(gateway);
            finishASmokeRun(gateway);
            ScrapedNames scraped = scrapeUntilPresent(gateway, wanted, Duration.ofSeconds(6));

            assertThat(wanted)
                    .as("names read by alerts/dashboards but missing from /metrics (scraped: %s)", scraped.samples())
                    .isSubsetOf(scraped.samples());
            String operations = DeployFiles.operationsText();
            List<String> undocumented = scraped.families().stream()
                    .filter(family -> family.startsWith("palisade_"))
                    .filter(family -> !operations.contains("`" + family + "`"))
                    .toList();
            assertThat(undocumented)
                    .as("palisade_* metrics missing from docs/operations.md")
                    .isEmpty();
        }
    }

    @Test
    void everyAlertHasForSeverityAndARunbookSectionThatExists() {
        List<AlertRule> rules = DeployFiles.alertRules();
        Set<String> anchors = DeployFiles.operationsAnchors();
        assertThat(rules).isNotEmpty();
        assertThat(rules).extracting(AlertRule::name).doesNotHaveDuplicates().doesNotContainNull();
        for (AlertRule rule : rules) {
            String anchor = DeployFiles.runbookAnchor(rule.name());
            assertThat(rule.forDuration())
                    .as("%s: for", rule.name())
                    .isNotNull()
                    .matches("\\d+[smh]");
            assertThat(rule.labels().get("severity"))
                    .as("%s: severity label", rule.name())
                    .isIn("critical", "warning");
            assertThat(rule.annotations())
                    .as("%s: annotations", rule.name())
                    .containsKeys("summary", "description", "runbook_url");
            assertThat(rule.annotations().get("runbook_url"))
                    .as("%s: runbook_url", rule.name())
                    .endsWith("docs/operations.md#" + anchor);
            assertThat(anchors)
                    .as("%s: a heading in docs/operations.md with anchor #%s", rule.name(), anchor)
                    .contains(anchor);
        }
    }

    @Test
    void dashboardsAreGrafanaJsonWithTheDatasourceVariable() {
        Map<String, JsonNode> dashboards = DeployFiles.dashboards();
        assertThat(dashboards.keySet())
                .contains("palisade-health.json", "palisade-incident.json", "palisade-usage.json");
        assertThat(dashboards.values())
                .extracting(d -> d.path("uid").asText())
                .doesNotHaveDuplicates()
                .allMatch(uid -> !uid.isBlank());
        dashboards.forEach((file, dashboard) -> {
            assertThat(dashboard.path("title").asText()).as(file).isNotBlank();
            assertThat(dashboard.path("schemaVersion").asInt())
                    .as(file + ": schemaVersion")
                    .isBetween(36, 41);
            JsonNode variable = dashboard.path("templating").path("list").path(0);
            assertThat(variable.path("name").asText() + "/"
                            + variable.path("type").asText() + "/"
                            + variable.path("query").asText())
                    .as(file + ": first template variable")
                    .isEqualTo("datasource/datasource/prometheus");
            List<JsonNode> panels = DeployFiles.panels(dashboard);
            assertThat(panels).as(file).isNotEmpty();
            assertThat(panels)
                    .extracting(p -> p.path("id").asInt())
                    .as(file + ": panel ids")
                    .doesNotHaveDuplicates();
            for (JsonNode panel : panels) {
                String where = file + " / " + panel.path("title").asText();
                JsonNode grid = panel.path("gridPos");
                assertThat(grid.path("w").asInt()).as(where + ": gridPos.w").isBetween(1, 24);
                assertThat(grid.path("x").asInt() + grid.path("w").asInt())
                        .as(where + ": x + w")
                        .isLessThanOrEqualTo(24);
                assertThat(grid.path("h").asInt()).as(where + ": gridPos.h").isPositive();
                assertThat(panel.path("type").asText()).as(where).isIn("row", "timeseries", "stat", "bargauge");
                if (!panel.path("type").asText().equals("row")) {
                    assertThat(panel.path("datasource").path("uid").asText())
                            .as(where + ": datasource")
                            .isEqualTo("${datasource}");
                    assertThat(panel.path("targets")).as(where + ": targets").isNotEmpty();
                    panel.path("targets").forEach(target -> {
                        assertThat(target.path("expr").asText())
                                .as(where + ": expr")
                                .isNotBlank();
                        assertThat(target.path("datasource").path("uid").asText())
                                .as(where + ": target datasource")
                                .isEqualTo("${datasource}");
                    });
                }
            }
            assertThat(overlaps(panels)).as(file + ": overlapping panels").isEmpty();
        });
    }

    @Test
    void promtoolAcceptsRulesTestsAndConfig() throws Exception {
        Optional<Path> promtool = onPath("promtool");
        Assumptions.assumeTrue(
                promtool.isPresent(),
                "promtool is not on PATH (Debian/Ubuntu: apt-get install prometheus); rules not checked by Prometheus itself");
        assertThat(run(promtool.get(), "check", "rules", "alerts.yml"))
                .as("promtool check rules")
                .startsWith("exit 0");
        assertThat(run(promtool.get(), "test", "rules", "alerts-test.yml"))
                .as("promtool test rules")
                .startsWith("exit 0");
        // --syntax-only: the bearer token file named in the config exists only on the Prometheus host.
        assertThat(run(promtool.get(), "check", "config", "--syntax-only", "prometheus.yml"))
                .as("promtool check config")
                .startsWith("exit 0");
    }

    /** Metric names by where they are read: "alerts.yml", or a dashboard file name. */
    private static Map<String, Set<String>> referencedNames() {
        Map<String, Set<String>> names = new TreeMap<>();
        for (AlertRule rule : DeployFiles.alertRules()) {
            Set<String> read = PromQlMetricNames.in(rule.expression());
            assertThat(read)
                    .as("alert %s reads no metric: %s", rule.name(), rule.expression())
                    .isNotEmpty();
            names.computeIfAbsent("alerts.yml", source -> new TreeSet<>()).addAll(read);
        }
        for (DashboardQuery query : DeployFiles.dashboardQueries()) {
            Set<String> read = PromQlMetricNames.in(query.expression());
            assertThat(read)
                    .as("%s / %s reads no metric: %s", query.dashboard(), query.panel(), query.expression())
                    .isNotEmpty();
            names.computeIfAbsent(query.dashboard(), source -> new TreeSet<>()).addAll(read);
        }
        return names;
    }

    private static boolean isGatewayMetric(String name) {
        return GATEWAY_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** Allowed, refused (access, rate), failed upstream, and streamed: every labelled series gets a first value. */
    private static void driveEveryKindOfOutcome(TestGateway gateway) {
        String key = gateway.userWithKey("observer@example.com", List.of("llama3.2:1b", "vllm-qwen", "broken-model"));
        String limited = gateway.userWithKey("limited@example.com", List.of("llama3.2:1b"), 1);
        String route = "/v1/chat/completions";
        assertThat(gateway.post(route, key, CHAT.formatted("llama3.2:1b")).statusCode())
                .isEqualTo(200);
        assertThat(gateway.post(route, key, CHAT.formatted("vllm-embed")).statusCode())
                .isEqualTo(403);
        assertThat(gateway.post(route, key, CHAT.formatted("broken-model")).statusCode())
                .isEqualTo(502);
        HttpResponse<String> stream = gateway.post(
                route, key, CHAT.formatted("vllm-qwen").replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\""));
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).contains("[DONE]");
        assertThat(gateway.post(route, limited, CHAT.formatted("llama3.2:1b")).statusCode())
                .isEqualTo(200);
        assertThat(gateway.post(route, limited, CHAT.formatted("llama3.2:1b")).statusCode())
                .isEqualTo(429);
    }

    private static void finishASmokeRun(TestGateway gateway) {
        String runId = gateway.admin("POST", "/admin/evals/smoke", "{\"owner\":\"cli:deploy-files-test\"}")
                .path("data")
                .path(0)
                .path("run_id")
                .asText();
        Await.until(
                Duration.ofSeconds(60),
                () -> !gateway.admin("GET", "/admin/evals/" + runId, null)
                        .path("status")
                        .asText()
                        .equals("running"),
                "the smoke run to end");
    }

    /** Audit commits and backend probes land after the answers; scrape until they show or time runs out. */
    private static ScrapedNames scrapeUntilPresent(TestGateway gateway, Set<String> wanted, Duration patience) {
        return Await.lastValue(
                patience,
                () -> {
                    HttpResponse<String> response = gateway.get("/metrics", TestGateway.ADMIN_KEY);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    return ScrapedNames.parse(response.body());
                },
                scraped -> scraped.samples().containsAll(wanted),
                "every wanted metric on /metrics");
    }

    private static List<String> overlaps(List<JsonNode> panels) {
        List<String> overlapping = new ArrayList<>();
        for (int i = 0; i < panels.size(); i++) {
            for (int j = i + 1; j < panels.size(); j++) {
                JsonNode a = panels.get(i).path("gridPos");
                JsonNode b = panels.get(j).path("gridPos");
                boolean apart =
                        a.path("x").asInt() + a.path("w").asInt() <= b.path("x").asInt()
                                || b.path("x").asInt() + b.path("w").asInt()
                                        <= a.path("x").asInt()
                                || a.path("y").asInt() + a.path("h").asInt()
                                        <= b.path("y").asInt()
                                || b.path("y").asInt() + b.path("h").asInt()
                                        <= a.path("y").asInt();
                if (!apart) {
                    overlapping.add(panels.get(i).path("title").asText() + " / "
                            + panels.get(j).path("title").asText());
                }
            }
        }
        return overlapping;
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .filter(directory -> !directory.isBlank())
                .map(directory -> Path.of(directory, program))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** "exit N" and the program's output, run in deploy/prometheus (rule_files paths are relative). */
    private static String run(Path program, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(DeployFiles.PROMETHEUS.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "timed out: " + output;
        }
        return "exit " + process.exitValue() + "\n" + output;
    }
}
