package io.palisade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.palisade.config.ConfigLoader;
import io.palisade.config.PalisadeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/compose without a Docker engine: each file is valid under the Compose specification's schema, and the
 * facts the install guide promises hold (images pinned, secrets from files, hardened Palisade, two replicas, the
 * shipped rules and dashboards mounted).
 */
class ComposeFilesTest {
    /** image: NAME:TAG@sha256:64 hex. */
    private static final Pattern PINNED = Pattern.compile("[a-z0-9./_-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}");

    /**
     * Images knowingly left on a tag, each to be pinned by the release manager. Empty: every third-party image has a
     * digest. An image added without one fails {@link #everyThirdPartyImageIsPinnedByDigestWithItsSource} unless it
     * is named here (and has "# digest: to be pinned by the release manager" beside it).
     */
    private static final Set<String> KNOWN_UNPINNED = Set.of();

    private static final String PALISADE_IMAGE = "${PALISADE_IMAGE:?";

    @Test
    void bothFilesAreValidComposeFiles() {
        for (Path file : List.of(ComposeFiles.DEV, ComposeFiles.PROD)) {
            assertThat(ComposeFiles.schemaProblems(ComposeFiles.read(file)))
                    .as(file.getFileName().toString())
                    .isEmpty();
        }
    }

    @Test
    void theSchemaCheckCatchesAMistake() {
        // The validation is not vacuous: a misspelt key and a wrong type are refused.
        JsonNode compose = ComposeFiles.read(ComposeFiles.DEV);
        ((com.fasterxml.jackson.databind.node.ObjectNode)
                        compose.path("services").path("palisade"))
                .put("read_onyl", true)
                .put("tmpfs", 5);
        assertThat(String.join("\n", ComposeFiles.schemaProblems(compose)))
                .contains("read_onyl")
                .contains("tmpfs");
    }

    @Test
    void everyThirdPartyImageIsPinnedByDigestWithItsSource() throws Exception {
        for (Path file : List.of(ComposeFiles.DEV, ComposeFiles.PROD)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            Set<String> unpinned = new TreeSet<>();
            for (Map.Entry<String, JsonNode> service : services(ComposeFiles.read(file))) {
                String image = service.getValue().path("image").asText();
                String where = file.getFileName() + " " + service.getKey();
                if (image.startsWith(PALISADE_IMAGE)) {
                    continue; // Palisade's own, loaded from the release's image tarball
                }
                String comment = commentAbove(lines, "image: " + image);
                if (PINNED.matcher(image).matches()) {
                    assertThat(comment)
                            .as(where + ": where the digest was found")
                            .contains("digest:");
                } else {
                    assertThat(KNOWN_UNPINNED)
                            .as(where + ": " + image + " is not pinned by digest")
                            .contains(image);
                    assertThat(comment).as(where).contains("digest: to be pinned by the release manager");
                    unpinned.add(image);
                }
            }
            assertThat(unpinned).as(file.getFileName().toString()).isSubsetOf(KNOWN_UNPINNED);
        }
    }

    @Test
    void secretsAreFilesAndNoPasswordIsInTheFilesOrTheEnvironment(@TempDir Path dir) throws Exception {
        Process make = new ProcessBuilder(
                        "bash",
                        ComposeFiles.DIRECTORY.resolve("make-secrets.sh").toString(),
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(make.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(make.exitValue())
                .as(new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        for (Path file : List.of(ComposeFiles.DEV, ComposeFiles.PROD)) {
            JsonNode compose = ComposeFiles.read(file);
            compose.path("secrets").properties().forEach(secret -> {
                String source = secret.getValue().path("file").asText();
                assertThat(secret.getValue().properties()).as(secret.getKey()).hasSize(1);
                assertThat(source).as(secret.getKey()).startsWith("./secrets/");
                assertThat(dir.resolve(source.substring("./secrets/".length())))
                        .as(secret.getKey() + ": written by make-secrets.sh")
                        .isRegularFile();
            });
            for (Map.Entry<String, JsonNode> service : services(compose)) {
                service.getValue()
                        .path("environment")
                        .properties()
                        .forEach(variable -> assertThat(variable.getKey())
                                .as(service.getKey() + ": a secret comes from a file, not the environment")
                                .matches(name -> !name.matches(".*(PASSWORD|SECRET|TOKEN|KEY)$")));
                service.getValue()
                        .path("secrets")
                        .forEach(name -> assertThat(compose.path("secrets").has(name.asText()))
                                .as(service.getKey() + " uses secret " + name)
                                .isTrue());
            }
        }
        // The secrets the files need are exactly the ones make-secrets.sh writes, readable by the containers' users.
        try (Stream<Path> written = Files.list(dir)) {
            assertThat(written.map(p -> p.getFileName().toString())).hasSize(8);
        }
    }

    @Test
    void palisadeRunsHardenedWithReadOnlyConfigAndItsConfigLoads(@TempDir Path secrets) throws Exception {
        Process make = new ProcessBuilder(
                        "bash",
                        ComposeFiles.DIRECTORY.resolve("make-secrets.sh").toString(),
                        secrets.toString())
                .start();
        assertThat(make.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Map<Path, Integer> replicas = Map.of(ComposeFiles.DEV, 1, ComposeFiles.PROD, 2);
        for (Map.Entry<Path, Integer> expected : replicas.entrySet()) {
            List<Map.Entry<String, JsonNode>> palisades = services(ComposeFiles.read(expected.getKey())).stream()
                    .filter(s -> s.getValue().path("image").asText().startsWith(PALISADE_IMAGE))
                    .toList();
            assertThat(palisades).as(expected.getKey().getFileName().toString()).hasSize(expected.getValue());
            for (Map.Entry<String, JsonNode> palisade : palisades) {
                JsonNode service = palisade.getValue();
                String where = expected.getKey().getFileName() + " " + palisade.getKey();
                assertThat(service.path("user").asText()).as(where).isEqualTo("10001:10001");
                assertThat(service.path("read_only").asBoolean())
                        .as(where + ": read_only")
                        .isTrue();
                assertThat(service.path("tmpfs").toString())
                        .as(where + ": tmpfs")
                        .contains("/tmp");
                assertThat(service.path("cap_drop").toString()).as(where).contains("ALL");
                assertThat(service.path("healthcheck").isObject())
                        .as(where + ": healthcheck")
                        .isTrue();
                assertThat(service.path("environment").path("PALISADE_CONFIG").asText())
                        .isEqualTo("/etc/palisade/palisade.yaml");
                String configMount = volumeEndingWith(service, ":/etc/palisade/palisade.yaml:ro");
                assertThat(configMount).as(where + ": config mounted read-only").isNotNull();
                assertThat(volumeEndingWith(service, ":/var/lib/palisade"))
                        .as(where + ": data volume")
                        .isNotNull();

                Path config = ComposeFiles.DIRECTORY.resolve(configMount.substring(0, configMount.indexOf(':')));
                String text = Files.readString(config).replace("/run/secrets/", secrets + "/");
                PalisadeConfig loaded = new ConfigLoader(Map.of()).parse(text);
                assertThat(loaded.server().host()).isEqualTo("0.0.0.0");
                assertThat(loaded.server().port()).isEqualTo(8080);
                assertThat(loaded.adminKey().isPresent())
                        .as(where + ": admin key from its secret")
                        .isTrue();
                if (expected.getValue() == 2) {
                    assertThat(loaded.storeUrl())
                            .as(where)
                            .startsWith("postgresql://palisade:")
                            .endsWith("@postgres:5432/palisade");
                    assertThat(loaded.limits().redisUrl())
                            .as(where)
                            .startsWith("redis://:")
                            .endsWith("@redis:6379");
                    assertThat(loaded.observability().metricsToken().isPresent())
                            .isTrue();
                    assertThat(service.path("depends_on")
                                    .path("postgres")
                                    .path("condition")
                                    .asText())
                            .isEqualTo("service_healthy");
                    assertThat(service.path("depends_on")
                                    .path("redis")
                                    .path("condition")
                                    .asText())
                            .isEqualTo("service_healthy");
                }
            }
        }
        String nginx = Files.readString(ComposeFiles.DIRECTORY.resolve("nginx/nginx.conf"));
        assertThat(nginx).contains("server palisade-1:8080", "server palisade-2:8080", "proxy_buffering off");
    }

    @Test
    void prometheusEvaluatesTheShippedRulesAndGrafanaProvisionsTheShippedDashboards() throws Exception {
        JsonNode services = ComposeFiles.read(ComposeFiles.PROD).path("services");
        YAMLMapper yaml = new YAMLMapper();

        String rulesMount = volumeStartingWith(services.path("prometheus"), "../prometheus/alerts.yml:");
        assertThat(rulesMount)
                .as("prometheus mounts deploy/prometheus/alerts.yml")
                .endsWith(":ro");
        String rulesPath = rulesMount.split(":")[1];
        JsonNode prometheus = yaml.readTree(
                ComposeFiles.DIRECTORY.resolve("prometheus/prometheus.yml").toFile());
        assertThat(prometheus.path("rule_files").toString()).contains(rulesPath);
        assertThat(prometheus.path("scrape_configs").path(0).path("job_name").asText())
                .isEqualTo("palisade");
        assertThat(prometheus
                        .path("scrape_configs")
                        .path(0)
                        .path("static_configs")
                        .path(0)
                        .path("targets")
                        .toString())
                .contains("palisade-1:8080", "palisade-2:8080");
        // It scrapes with the token the replicas accept (the same Compose secret).
        String credentials = prometheus
                .path("scrape_configs")
                .path(0)
                .path("authorization")
                .path("credentials_file")
                .asText();
        assertThat(credentials).startsWith("/run/secrets/");
        assertThat(services.path("prometheus").path("secrets").toString())
                .contains(credentials.substring("/run/secrets/".length()));
        assertThat(Files.readString(ComposeFiles.DIRECTORY.resolve("palisade/palisade.prod.yaml")))
                .contains("token: file:" + credentials);
        // Every shipped rules file (a top-level "groups") is mounted, so a new one cannot be forgotten here.
        try (Stream<Path> files = Files.list(DeployFiles.PROMETHEUS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
                if (yaml.readTree(file.toFile()).has("groups")) {
                    assertThat(volumeStartingWith(
                                    services.path("prometheus"), "../prometheus/" + file.getFileName() + ":"))
                            .as("prometheus mounts %s", file.getFileName())
                            .isNotNull();
                }
            }
        }

        String dashboardsMount = volumeStartingWith(services.path("grafana"), "../grafana:");
        assertThat(dashboardsMount).as("grafana mounts deploy/grafana").endsWith(":ro");
        JsonNode provider = yaml.readTree(ComposeFiles.DIRECTORY
                        .resolve("grafana/provisioning/dashboards/palisade.yml")
                        .toFile())
                .path("providers")
                .path(0);
        assertThat(provider.path("options").path("path").asText())
                .isEqualTo(dashboardsMount.split(":")[1]);
        assertThat(DeployFiles.dashboards()).isNotEmpty();
        JsonNode datasources = yaml.readTree(ComposeFiles.DIRECTORY
                .resolve("grafana/provisioning/datasources/palisade.yml")
                .toFile());
        assertThat(datasources.path("datasources").findValuesAsText("type")).contains("prometheus", "loki");
        assertThat(volumeStartingWith(services.path("grafana"), "./grafana/provisioning:"))
                .endsWith(":ro");

        assertThat(services.has("alertmanager")).isTrue();
        assertThat(prometheus.path("alerting").toString()).contains("alertmanager:9093");
        assertThat(volumeStartingWith(services.path("promtail"), "/var/lib/docker/containers:"))
                .endsWith(":ro");
        JsonNode promtail = yaml.readTree(
                ComposeFiles.DIRECTORY.resolve("promtail/promtail.yml").toFile());
        assertThat(promtail.path("clients").path(0).path("url").asText()).startsWith("http://loki:3100/");
    }

    private static List<Map.Entry<String, JsonNode>> services(JsonNode compose) {
        List<Map.Entry<String, JsonNode>> services = new ArrayList<>();
        compose.path("services").properties().forEach(services::add);
        return services;
    }

    private static String volumeEndingWith(JsonNode service, String suffix) {
        for (JsonNode volume : service.path("volumes")) {
            if (volume.asText().endsWith(suffix)) {
                return volume.asText();
            }
        }
        return null;
    }

    private static String volumeStartingWith(JsonNode service, String prefix) {
        for (JsonNode volume : service.path("volumes")) {
            if (volume.asText().startsWith(prefix)) {
                return volume.asText();
            }
        }
        return null;
    }

    /** The comment lines right above the line holding {@code text}. */
    private static String commentAbove(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                StringBuilder comment = new StringBuilder();
                for (int j = i - 1; j >= 0 && lines.get(j).trim().startsWith("#"); j--) {
                    comment.insert(0, lines.get(j).trim() + "\n");
                }
                return comment.toString();
            }
        }
        return "";
    }
}
