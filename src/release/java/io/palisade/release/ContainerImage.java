package io.palisade.release;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import io.palisade.build.BuildInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI image, built with jib-core (no Docker daemon) from scratch: no base image can be pulled
 * here, so the image holds exactly the jlinked runtime, the jar, the host libraries the runtime
 * links ({@link SharedLibraries}) and a few files of /etc. Docker image format, because only its
 * config has a Healthcheck ({@link HealthcheckConfig} adds it); `docker load` and `podman load`
 * read the tarball.
 */
final class ContainerImage {
    static final String USER = "10001";
    static final String HOME = "/opt/palisade";
    static final String JAVA = HOME + "/runtime/bin/java";
    static final String JAR = HOME + "/lib/palisade.jar";
    static final String DATA = "/var/lib/palisade";
    static final String CONFIG = "/etc/palisade";
    static final int PORT = 4000;

    /**
     * Container-aware heap (three quarters of the memory limit; JDK_JAVA_OPTIONS=-Xmx… overrides),
     * no hsperfdata file in /tmp, headless: nothing writes outside the data volume and /tmp.
     */
    static final List<String> ENTRYPOINT =
            List.of(JAVA, "-XX:MaxRAMPercentage=75", "-XX:-UsePerfData", "-Djava.awt.headless=true", "-jar", JAR);

    private ContainerImage() {}

    static String fileName(BuildInfo build) {
        return "palisade-" + build.version() + "-image.tar";
    }

    static Path build(Path runtime, Path jar, BuildInfo build, Path work, Path dist) throws Exception {
        Path etc = writeEtc(work.resolve("etc"));
        Path emptyDirectory = Files.createDirectories(work.resolve("empty"));
        Instant created = Bundle.timestamp(build);

        FileEntriesLayer.Builder system = FileEntriesLayer.builder().setName("system");
        for (Path library : SharedLibraries.neededBy(runtime)) {
            system.addEntry(
                    library.toRealPath(),
                    AbsoluteUnixPath.get(library.toString()),
                    FilePermissions.fromOctalString("755"));
        }
        for (String file : List.of("passwd", "group", "nsswitch.conf")) {
            system.addEntry(
                    etc.resolve(file), AbsoluteUnixPath.get("/etc/" + file), FilePermissions.fromOctalString("644"));
        }
        system.addEntry(
                etc.resolve("palisade.yaml"),
                AbsoluteUnixPath.get(CONFIG + "/palisade.yaml"),
                FilePermissions.fromOctalString("644"));
        // /tmp for sqlite-jdbc's native library (mount a tmpfs there with a read-only root).
        system.addEntry(emptyDirectory, AbsoluteUnixPath.get("/tmp"), FilePermissions.fromOctalString("777"));
        system.addEntry(
                emptyDirectory,
                AbsoluteUnixPath.get(DATA),
                FilePermissions.fromOctalString("700"),
                Instant.ofEpochSecond(1),
                USER + ":" + USER);

        FileEntriesLayer.Builder javaRuntime = FileEntriesLayer.builder().setName("runtime");
        javaRuntime.addEntryRecursive(
                runtime,
                AbsoluteUnixPath.get(HOME + "/runtime"),
                (source, destination) -> FilePermissions.fromPosixFilePermissions(posixPermissions(source)));
        FileEntriesLayer application = FileEntriesLayer.builder()
                .setName("application")
                .addEntry(jar, AbsoluteUnixPath.get(JAR), FilePermissions.fromOctalString("644"))
                .build();

        JibContainerBuilder image = Jib.fromScratch()
                .setFormat(ImageFormat.Docker)
                .setCreationTime(created)
                .addFileEntriesLayer(system.build())
                .addFileEntriesLayer(javaRuntime.build())
                .addFileEntriesLayer(application)
                .setEntrypoint(ENTRYPOINT)
                .setProgramArguments("serve")
                .addEnvironmentVariable("PALISADE_CONFIG", CONFIG + "/palisade.yaml")
                .setUser(USER + ":" + USER)
                .setWorkingDirectory(AbsoluteUnixPath.get(DATA))
                .addVolume(AbsoluteUnixPath.get(DATA))
                .addExposedPort(Port.tcp(PORT))
                .setLabels(labels(build, created));
        Files.createDirectories(dist);
        Path tarball = dist.resolve(fileName(build));
        image.containerize(Containerizer.to(TarImage.at(tarball).named("palisade:" + build.version()))
                .setOfflineMode(true)
                .setBaseImageLayersCache(work.resolve("jib-cache/base"))
                .setApplicationLayersCache(work.resolve("jib-cache/application"))
                .setToolName("palisade-release"));
        HealthcheckConfig.add(tarball, work.resolve("with-healthcheck.tar"));
        Checksums.writeBeside(tarball);
        return tarball;
    }

    static Map<String, String> labels(BuildInfo build, Instant created) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.title", "Palisade");
        labels.put("org.opencontainers.image.description", "On-prem LLM gateway and control plane");
        labels.put("org.opencontainers.image.version", build.version());
        labels.put("org.opencontainers.image.revision", build.commit());
        labels.put("org.opencontainers.image.created", created.toString());
        labels.put("org.opencontainers.image.licenses", "Apache-2.0");
        labels.put("org.opencontainers.image.base.name", "scratch");
        return labels;
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> posixPermissions(Path source) {
        try {
            return Files.getPosixFilePermissions(source);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** passwd and group with the one user the image runs as; hosts from files then DNS; the default config. */
    private static Path writeEtc(Path etc) throws IOException {
        Files.createDirectories(etc);
        Files.writeString(
                etc.resolve("passwd"),
                "root:x:0:0:root:/root:/sbin/nologin\npalisade:x:" + USER + ":" + USER + ":Palisade:" + DATA
                        + ":/sbin/nologin\n",
                StandardCharsets.UTF_8);
        Files.writeString(etc.resolve("group"), "root:x:0:\npalisade:x:" + USER + ":\n", StandardCharsets.UTF_8);
        Files.writeString(etc.resolve("nsswitch.conf"), "hosts: files dns\n", StandardCharsets.UTF_8);
        Files.writeString(etc.resolve("palisade.yaml"), """
                # The image's default configuration: listen on every interface, keep the store on the
                # data volume. Mount your own /etc/palisade to replace it (docs/install.md).
                server:
                  host: 0.0.0.0
                  port: %d
                store:
                  url: sqlite:%s/palisade.db
                """.formatted(PORT, DATA), StandardCharsets.UTF_8);
        return etc;
    }
}
