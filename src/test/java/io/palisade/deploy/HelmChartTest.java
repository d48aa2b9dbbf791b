package io.palisade.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.palisade.config.ConfigLoader;
import io.palisade.config.PalisadeConfig;
import io.palisade.deploy.KubernetesManifests.Rendering;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/helm/palisade linted and rendered by Helm itself (helm-java: Helm's Go code, no binary, no cluster), with the
 * default values and with every optional part switched on; every rendered manifest checked against the Kubernetes
 * API's types ({@link KubernetesManifests}) and the facts the install guide promises asserted.
 */
class HelmChartTest {
    static final Path CHART = DeployFiles.ROOT.resolve("deploy/helm/palisade");

    /** Every optional part on, the chart making its own Secret. */
    private static final String ALL_ON = """
            secrets:
              existingSecret: ""
              adminKey: admin-key-0123456789abcdef
              metricsToken: scrape-token
              auditCheckpointKey: 0123456789abcdef0123456789abcdef
              storeUrl: postgresql://palisade:s3cret@db.example.internal:5432/palisade
              redisUrl: redis://:r3dis@redis.example.internal:6379
            image: {digest: "sha256:0000000000000000000000000000000000000000000000000000000000000000"}
            persistence: {existingClaim: palisade-data}
            autoscaling: {enabled: true, minReplicas: 2, maxReplicas: 5}
            serviceMonitor: {enabled: true, labels: {release: monitoring}}
            prometheusRule: {enabled: true}
            networkPolicy:
              enabled: true
              ingressFrom: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: apps}}}]
            """;

    @Test
    void lintIsCleanWithDefaultsAndWithEveryOptionalPartOn(@TempDir Path dir) throws IOException {
        assertClean(new Helm(CHART).lint().strict().call());
        // helm lint reads only the chart's values.yaml: lint a copy whose values switch everything on.
        Path copy = copyChart(dir);
        YAMLMapper yaml = new YAMLMapper();
        JsonNode values = yaml.readTree(CHART.resolve("values.yaml").toFile());
        yaml.readerForUpdating(values).readValue(ALL_ON); // a deep merge, as helm merges values files
        yaml.writeValue(copy.resolve("values.yaml").toFile(), values);
        assertClean(new Helm(copy).lint().strict().call());
    }

    @Test
    void defaultsRenderTwoHardenedReplicasWithProbesAndADisruptionBudget() {
        Rendering rendering = render(null);
        assertThat(rendering.problems()).isEmpty();
        assertThat(rendering.manifests())
                .extracting(KubernetesManifests.Manifest::kind)
                .containsExactlyInAnyOrder("ConfigMap", "Service", "Deployment", "PodDisruptionBudget");

        Deployment deployment = rendering.one("Deployment").as(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        Container palisade = pod.getContainers().get(0);
        assertThat(palisade.getImage()).isEqualTo("palisade:0.17.0");
        assertThat(palisade.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
        assertThat(palisade.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        assertThat(palisade.getEnv()).anySatisfy(variable -> {
            assertThat(variable.getName()).isEqualTo("PALISADE_AUDIT_CHECKPOINT_FILE");
            assertThat(variable.getValue()).isEqualTo("/var/lib/palisade/$(POD_NAME).audit-checkpoints.jsonl");
        });
        assertThat(palisade.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/palisade"));
        assertThat(palisade.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(palisade.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(palisade.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(palisade.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"))
                .anySatisfy(m -> {
                    assertThat(m.getMountPath()).isEqualTo("/etc/palisade/secrets");
                    assertThat(m.getReadOnly()).isTrue();
                });
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .extracting(v -> v.getSecret().getSecretName())
                .containsExactly("palisade-secrets");
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getConfigMap() != null)
                .extracting(v -> v.getConfigMap().getName())
                .containsExactly("palisade");

        PodDisruptionBudget budget = rendering.one("PodDisruptionBudget").as(PodDisruptionBudget.class);
        assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void theRenderedConfigLoadsAndReadsEverySecretFromTheMountedSecret(@TempDir Path secrets) throws IOException {
        Rendering rendering = render(null);
        String config = rendering
                .one("ConfigMap")
                .tree()
                .path("data")
                .path("palisade.yaml")
                .asText();
        for (String key : new String[] {"admin-key", "metrics-token", "store-url", "redis-url"}) {
            assertThat(config).contains("file:/etc/palisade/secrets/" + key);
        }
        Files.writeString(secrets.resolve("admin-key"), "admin-key-0123456789abcdef");
        Files.writeString(secrets.resolve("metrics-token"), "scrape-token");
        Files.writeString(secrets.resolve("audit-checkpoint-key"), "0123456789abcdef0123456789abcdef");
        Files.writeString(secrets.resolve("store-url"), "postgresql://palisade:s3cret@db:5432/palisade");
        Files.writeString(secrets.resolve("redis-url"), "redis://:r3dis@redis:6379");
        PalisadeConfig loaded =
                new ConfigLoader(Map.of()).parse(config.replace("/etc/palisade/secrets", secrets.toString()));
        assertThat(loaded.server().port()).isEqualTo(8080);
        assertThat(loaded.server().host()).isEqualTo("0.0.0.0");
        assertThat(loaded.storeUrl()).isEqualTo("postgresql://palisade:s3cret@db:5432/palisade");
        assertThat(loaded.limits().redisUrl()).isEqualTo("redis://:r3dis@redis:6379");
        assertThat(loaded.backends()).extracting(b -> b.name()).containsExactly("ollama");
    }

    @Test
    void everyOptionalPartRendersValidManifests() throws IOException {
        Rendering rendering = render(ALL_ON);
        assertThat(rendering.problems()).isEmpty();
        assertThat(rendering.manifests())
                .extracting(KubernetesManifests.Manifest::kind)
                .contains("Secret", "HorizontalPodAutoscaler", "ServiceMonitor", "PrometheusRule", "NetworkPolicy");

        Deployment deployment = rendering.one("Deployment").as(Deployment.class);
        assertThat(deployment.getSpec().getReplicas())
                .as("the autoscaler owns the count")
                .isNull();
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .endsWith("@sha256:0000000000000000000000000000000000000000000000000000000000000000");
        HorizontalPodAutoscaler autoscaler =
                rendering.one("HorizontalPodAutoscaler").as(HorizontalPodAutoscaler.class);
        assertThat(autoscaler.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(autoscaler.getSpec().getMaxReplicas()).isEqualTo(5);
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo("palisade");

        ServiceMonitor monitor = rendering.one("ServiceMonitor").as(ServiceMonitor.class);
        assertThat(monitor.getSpec().getEndpoints().get(0).getPath()).isEqualTo("/metrics");
        assertThat(monitor.getSpec()
                        .getEndpoints()
                        .get(0)
                        .getAuthorization()
                        .getCredentials()
                        .getKey())
                .isEqualTo("metrics-token");
        assertThat(rendering
                        .one("Secret")
                        .tree()
                        .path("stringData")
                        .path("store-url")
                        .asText())
                .startsWith("postgresql://");

        // The PrometheusRule carries the shipped rules, exactly.
        JsonNode shipped =
                new YAMLMapper().readTree(DeployFiles.ALERTS.toFile()).path("groups");
        assertThat(rendering.one("PrometheusRule").tree().path("spec").path("groups"))
                .isEqualTo(shipped);
    }

    @Test
    void theChartShipsTheAlertRulesOfDeployPrometheusNotACopy() throws IOException {
        Path rules = CHART.resolve("files/alerts.yml");
        assertThat(Files.isSymbolicLink(rules))
                .as("files/alerts.yml links to deploy/prometheus/alerts.yml")
                .isTrue();
        assertThat(rules.toRealPath()).isEqualTo(DeployFiles.ALERTS.toRealPath());
    }

    @Test
    void badValuesAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> render("replicaCount: 0"))
                .hasMessageContaining("replicaCount")
                .hasMessageContaining("minimum");
        assertThatThrownBy(() -> render("replicas: 3")).hasMessageContaining("replicas");
        assertThatThrownBy(() -> render("secrets: {existingSecret: \"\"}"))
                .hasMessageContaining("secrets.adminKey is required when secrets.existingSecret is empty");
        assertThatThrownBy(() -> render("externalPostgresql: {enabled: false}"))
                .hasMessageContaining("more than one replica needs externalPostgresql.enabled");
        Rendering single =
                render("replicaCount: 1\nexternalPostgresql: {enabled: false}\nexternalRedis: {enabled: false}");
        assertThat(single.problems()).isEmpty();
        assertThat(single.one("ConfigMap")
                        .tree()
                        .path("data")
                        .path("palisade.yaml")
                        .asText())
                .contains("url: sqlite:/var/lib/palisade/palisade.db")
                .doesNotContain("store-url")
                .doesNotContain("redis-url");
    }

    private static Rendering render(String values) {
        var template = new Helm(CHART)
                .template()
                .withName("palisade")
                .withNamespace("gateway")
                .withKubeVersion("1.31.0");
        if (values != null) {
            try {
                Path file = Files.createTempFile("palisade-values", ".yaml");
                file.toFile().deleteOnExit();
                Files.writeString(file, values);
                template = template.withValuesFile(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return KubernetesManifests.read(template.call());
    }

    private static void assertClean(LintResult result) {
        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
        assertThat(result.getMessages())
                .as("lint messages")
                .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    /** A copy of the chart with its symbolic links resolved (Files.copy follows them). */
    private static Path copyChart(Path dir) throws IOException {
        Path target = dir.resolve("palisade");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : files.toList()) {
                Path destination = target.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(source, destination);
                }
            }
        }
        return target;
    }
}
