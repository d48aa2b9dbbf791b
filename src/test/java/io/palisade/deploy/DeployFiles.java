package io.palisade.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The shipped monitoring files, read the way Prometheus and Grafana read them. */
final class DeployFiles {
    /** Maven runs tests from the project directory. */
    static final Path ROOT = Path.of("").toAbsolutePath();

    static final Path PROMETHEUS = ROOT.resolve("deploy/prometheus");
    static final Path ALERTS = PROMETHEUS.resolve("alerts.yml");
    static final Path GRAFANA = ROOT.resolve("deploy/grafana");
    static final Path OPERATIONS = ROOT.resolve("docs/operations.md");

    /** One alerting rule of alerts.yml; {@code forDuration} null when the rule has no "for". */
    record AlertRule(
            String name,
            String expression,
            String forDuration,
            Map<String, String> labels,
            Map<String, String> annotations) {}

    /** One PromQL query of a dashboard, with where it is for error messages. */
    record DashboardQuery(String dashboard, String panel, String expression) {}

    private DeployFiles() {}

    static List<AlertRule> alertRules() {
        JsonNode root = read(ALERTS, new YAMLMapper());
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.add(new AlertRule(
                        rule.path("alert").asText(null),
                        rule.path("expr").asText(""),
                        rule.has("for") ? rule.path("for").asText() : null,
                        strings(rule.path("labels")),
                        strings(rule.path("annotations"))));
            }
        }
        return rules;
    }

    /** Every dashboard JSON file by file name. */
    static Map<String, JsonNode> dashboards() {
        Map<String, JsonNode> dashboards = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(GRAFANA)) {
            files.filter(file -> file.toString().endsWith(".json"))
                    .sorted()
                    .forEach(file -> dashboards.put(file.getFileName().toString(), read(file, new ObjectMapper())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dashboards;
    }

    /** Every panel's every target expression, rows' nested panels included. */
    static List<DashboardQuery> dashboardQueries() {
        List<DashboardQuery> queries = new ArrayList<>();
        dashboards()
                .forEach((file, dashboard) -> panels(dashboard)
                        .forEach(panel -> panel.path("targets")
                                .forEach(target -> queries.add(new DashboardQuery(
                                        file,
                                        panel.path("title").asText(),
                                        target.path("expr").asText(""))))));
        return queries;
    }

    /** Top-level panels and those nested in collapsed rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** Anchors of docs/operations.md's headings, as GitHub (and most Markdown renderers) make them. */
    static Set<String> operationsAnchors() {
        Set<String> anchors = new LinkedHashSet<>();
        boolean inCode = false;
        for (String line : operationsText().split("\n")) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            } else if (!inCode && line.matches("#{1,6} .*")) {
                anchors.add(anchor(line.replaceFirst("^#+ ", "")));
            }
        }
        return anchors;
    }

    static String operationsText() {
        try {
            return Files.readString(OPERATIONS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GitHub's heading slug: lower case, punctuation dropped, spaces to dashes. */
    static String anchor(String heading) {
        return heading.trim()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-');
    }

    /** PalisadeGatewayDown → palisade-gateway-down: the runbook anchor of an alert. */
    static String runbookAnchor(String alertName) {
        return alertName.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static JsonNode read(Path file, ObjectMapper mapper) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + ROOT.relativize(file) + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> values = new LinkedHashMap<>();
        object.properties()
                .forEach(entry -> values.put(entry.getKey(), entry.getValue().asText()));
        return values;
    }
}
