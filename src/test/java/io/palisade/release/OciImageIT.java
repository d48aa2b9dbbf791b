package io.palisade.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OCI image tarball: its manifest and config as a container engine reads them, its layers'
 * files, and — extracted — the image's own entrypoint serving on a read-only root, as the
 * unprivileged user, with no network.
 */
class OciImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ReleaseArtifacts release;
    private static Map<String, byte[]> entries;
    private static JsonNode config;

    @BeforeAll
    static void open() throws Exception {
        release = ReleaseFixture.artifacts();
        entries = new HashMap<>();
        try (InputStream in = Files.newInputStream(release.image());
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                entries.put(entry.getName(), tar.readAllBytes());
            }
        }
        JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
        config = JSON.readTree(entries.get(manifest.get("Config").asText()));
    }

    @Test
    void theManifestNamesTheVersionAndEveryLayerMatchesItsDiffId() throws Exception {
        JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
        assertThat(manifest.get("RepoTags").get(0).asText())
                .isEqualTo("palisade:" + release.build().version());
        JsonNode diffIds = config.get("rootfs").get("diff_ids");
        assertThat(manifest.get("Layers")).hasSize(diffIds.size());
        for (int layer = 0; layer < diffIds.size(); layer++) {
            byte[] compressed = entries.get(manifest.get("Layers").get(layer).asText());
            assertThat(compressed).as("layer " + layer).isNotNull();
            byte[] uncompressed = new GZIPInputStream(new ByteArrayInputStream(compressed)).readAllBytes();
            Path file = Files.createTempFile(ReleaseFixture.temporaryDirectory("layer"), "layer", ".tar");
            Files.write(file, uncompressed);
            assertThat("sha256:" + Checksums.sha256(file))
                    .isEqualTo(diffIds.get(layer).asText());
        }
    }

    @Test
    void theConfigRunsTheJarAsANonRootUserWithDataOnAVolume() {
        JsonNode container = config.get("config");
        assertThat(container.get("User").asText()).isEqualTo("10001:10001");
        assertThat(container.get("WorkingDir").asText()).isEqualTo("/var/lib/palisade");
        assertThat(container.get("Volumes").has("/var/lib/palisade")).isTrue();
        assertThat(container.get("ExposedPorts").has("4000/tcp")).isTrue();
        assertThat(strings(container.get("Entrypoint")))
                .startsWith("/opt/palisade/runtime/bin/java")
                .endsWith("-jar", "/opt/palisade/lib/palisade.jar");
        assertThat(strings(container.get("Cmd"))).containsExactly("serve");
        assertThat(strings(container.get("Env"))).contains("PALISADE_CONFIG=/etc/palisade/palisade.yaml");
        assertThat(strings(container.get("Healthcheck").get("Test")))
                .startsWith("CMD", "/opt/palisade/runtime/bin/java")
                .contains("health")
                .endsWith("http://127.0.0.1:4000/health/live");
        JsonNode labels = container.get("Labels");
        assertThat(labels.get("org.opencontainers.image.version").asText())
                .isEqualTo(release.build().version());
        assertThat(labels.get("org.opencontainers.image.revision").asText())
                .isEqualTo(release.build().commit());
        assertThat(labels.get("org.opencontainers.image.licenses").asText()).isEqualTo("Apache-2.0");
        assertThat(labels.get("org.opencontainers.image.created").asText()).isNotBlank();
    }

    @Test
    void theLayersHoldTheRuntimeTheJarTheUserAndAnOwnedDataDirectory() throws Exception {
        Map<String, TarArchiveEntry> files = new HashMap<>();
        Map<String, String> texts = new HashMap<>();
        JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
        for (JsonNode layer : manifest.get("Layers")) {
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new GZIPInputStream(new ByteArrayInputStream(entries.get(layer.asText()))))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    String name = entry.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
                    files.put(name, entry);
                    if (name.startsWith("etc/")) {
                        texts.put(name, new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        assertThat(files)
                .containsKeys(
                        "opt/palisade/runtime/bin/java",
                        "opt/palisade/lib/palisade.jar",
                        "lib64/ld-linux-x86-64.so.2",
                        "etc/palisade/palisade.yaml",
                        "tmp");
        assertThat(files.get("opt/palisade/runtime/bin/java").getMode() & 0111).isNotZero();
        TarArchiveEntry data = files.get("var/lib/palisade");
        assertThat(data.isDirectory()).isTrue();
        assertThat(data.getLongUserId()).isEqualTo(10001);
        assertThat(data.getMode() & 0777).isEqualTo(0700);
        assertThat(texts.get("etc/passwd")).contains("palisade:x:10001:10001:");
        assertThat(texts.get("etc/group")).contains("palisade:x:10001:");
    }

    /**
     * What a container engine would do, by hand: the layers extracted in order, a read-only bind of
     * them as root, tmpfs on /tmp and on the data volume, /proc and /dev, no network; then the
     * config's own entrypoint and command, as its user, and its own health check.
     */
    @Test
    void theExtractedImageServesOnAReadOnlyRootAsItsUser() throws Exception {
        ReleaseFixture.Result probe = ReleaseFixture.run(Path.of("."), List.of("unshare", "-m", "-n", "true"));
        assertThat(probe.exit())
                .as("`unshare -m -n` must work (run the suite as root): " + probe.output())
                .isZero();
        Path sandbox = ReleaseFixture.temporaryDirectory("image");
        Path root = Files.createDirectories(sandbox.resolve("root"));
        JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
        for (JsonNode layer : manifest.get("Layers")) {
            Path compressed = sandbox.resolve(layer.asText());
            Files.write(compressed, entries.get(layer.asText()));
            ReleaseFixture.Result tar = ReleaseFixture.run(
                    sandbox,
                    List.of(
                            "tar",
                            "--warning=no-unknown-keyword",
                            "-xzpf",
                            compressed.toString(),
                            "-C",
                            root.toString()));
            assertThat(tar.exit()).as(tar.output()).isZero();
        }
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        JsonNode container = config.get("config");
        String user = container.get("User").asText();
        List<String> environment = strings(container.get("Env"));
        List<String> serve = new ArrayList<>(strings(container.get("Entrypoint")));
        serve.addAll(strings(container.get("Cmd")));
        List<String> test = strings(container.get("Healthcheck").get("Test"));
        List<String> health = test.subList(1, test.size());
        // The image has no env binary: the host's sets the config's variables, chroot keeps them.
        String inImage = "env " + String.join(" ", environment) + " chroot --userspec=" + user + " \"$ROOT\"";
        Path script = sandbox.resolve("image.sh");
        Files.writeString(
                script,
                """
                set -u
                mount --bind "$ROOT" "$ROOT"
                mount -o remount,bind,ro "$ROOT"
                mount -t proc proc "$ROOT/proc"
                mount --rbind /dev "$ROOT/dev"
                mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"
                mount -t tmpfs -o uid=10001,gid=10001,mode=0700 tmpfs "$ROOT/var/lib/palisade"
                ip link set lo up
                if touch "$ROOT/opt/palisade/written" 2>/dev/null; then echo "the root is writable"; exit 3; fi
                %1$s %2$s > "$SANDBOX/serve.log" 2>&1 &
                serve=$!
                probes=0
                until %1$s %3$s > "$SANDBOX/probe.log" 2>&1; do
                  probes=$((probes + 1))
                  if ! kill -0 "$serve"; then echo "serve exited"; cat "$SANDBOX/serve.log"; exit 5; fi
                  if [ "$probes" -ge 240 ]; then echo "never healthy"; cat "$SANDBOX/serve.log"; kill "$serve"; exit 4; fi
                done
                cat "$SANDBOX/probe.log"
                kill "$serve"
                wait
                """.formatted(inImage, String.join(" ", serve), String.join(" ", health)),
                StandardCharsets.UTF_8);

        ReleaseFixture.Result run = ReleaseFixture.run(
                sandbox,
                List.of("unshare", "-m", "-n", "sh", script.toString()),
                Map.of(
                        "PATH",
                        "/usr/sbin:/usr/bin:/sbin:/bin",
                        "ROOT",
                        root.toString(),
                        "SANDBOX",
                        sandbox.toString()));

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("healthy: http://127.0.0.1:4000/health/live answered 200");
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
