package io.palisade.release;

import io.palisade.build.BuildInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Builds every release artifact from the shaded jar: the air-gapped bundle, its checksum and the
 * OCI image tarball. Run by {@code ./palisade package} (the pom's release profile) and by the
 * release tests. Build-time code: compiled with the tests, never shipped.
 */
public final class ReleaseBuild {
    private ReleaseBuild() {}

    /** {@code ReleaseBuild PROJECT_DIR JAR DIST_DIR} */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ReleaseBuild PROJECT_DIR JAR DIST_DIR");
            System.exit(2);
        }
        Path dist = Path.of(args[2]).toAbsolutePath();
        ReleaseArtifacts artifacts = build(
                Path.of(args[0]).toAbsolutePath(),
                Path.of(args[1]).toAbsolutePath(),
                dist,
                dist.resolveSibling("release-work"));
        System.out.println("release " + artifacts.build().version() + " ("
                + artifacts.build().commit() + "):");
        System.out.println("  " + artifacts.bundle());
        System.out.println("  " + artifacts.image());
    }

    /** Empties {@code dist} and {@code work} first, so nothing of an earlier build is left beside the new one. */
    public static ReleaseArtifacts build(Path project, Path jar, Path dist, Path work) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is missing: build it first (./mvnw package)");
        }
        BuildInfo build = buildOf(jar);
        deleteTree(dist);
        deleteTree(work);
        Path runtime = JavaRuntime.link(work.resolve("runtime"));
        Path bundle = Bundle.build(project, jar, runtime, build, work.resolve("bundle"), dist);
        Path image = ContainerImage.build(runtime, jar, build, work.resolve("image"), dist);
        return new ReleaseArtifacts(build, bundle, image);
    }

    /** The jar's own build description: the release is named after what it ships. */
    static BuildInfo buildOf(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("io/palisade/build/" + BuildInfo.RESOURCE);
            if (entry == null) {
                throw new IOException(jar + " has no build description");
            }
            Properties properties = new Properties();
            try (InputStream in = zip.getInputStream(entry)) {
                properties.load(in);
            }
            BuildInfo build = BuildInfo.from(properties, Runtime.version().toString());
            if (build.version().equals(BuildInfo.UNKNOWN)) {
                throw new IOException(jar + " does not know its version");
            }
            return build;
        }
    }

    static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
