package io.palisade.release;

import io.palisade.build.BuildInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The air-gapped bundle: {@code palisade-VERSION/} with the jlinked runtime, the jar, the host
 * scripts, deploy/, docs/, the licences, VERSION and SHA256SUMS over every file, packed as
 * {@code palisade-VERSION-linux-x64.tar.gz} with its own {@code .sha256} beside it.
 */
final class Bundle {
    /** What the repository contributes whole, by path (the host scripts are spread at the top). */
    static final List<String> COPIED_DIRECTORIES = List.of("deploy", "docs");

    static final List<String> COPIED_FILES = List.of("LICENSE", "README.md");
    static final String HOST_FILES = "dist/host";
    static final String THIRD_PARTY = "THIRD-PARTY.txt";
    static final String VERSION = "VERSION";

    private Bundle() {}

    static String directoryName(BuildInfo build) {
        return "palisade-" + build.version();
    }

    static String fileName(BuildInfo build) {
        return directoryName(build) + "-linux-x64.tar.gz";
    }

    /** Stages the bundle under {@code work}, packs it into {@code dist}; returns the tarball. */
    static Path build(Path project, Path jar, Path runtime, BuildInfo build, Path work, Path dist)
            throws IOException, InterruptedException {
        Path root = work.resolve(directoryName(build));
        copyTree(runtime, root.resolve("runtime"));
        Files.createDirectories(root.resolve("lib"));
        Files.copy(jar, root.resolve("lib/palisade.jar"));
        copyTree(project.resolve(HOST_FILES), root);
        for (String directory : COPIED_DIRECTORIES) {
            copyTree(project.resolve(directory), root.resolve(directory));
        }
        for (String file : COPIED_FILES) {
            Files.copy(project.resolve(file), root.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.write(root.resolve(THIRD_PARTY), thirdPartyNotices(jar));
        Files.writeString(root.resolve(VERSION), build.version() + "\n", StandardCharsets.UTF_8);
        Checksums.writeFor(root);

        Files.createDirectories(dist);
        Path tarball = dist.resolve(fileName(build));
        // GNU tar, normalised: sorted names, root-owned, one time stamp (the build's), gzip without
        // its own time stamp, so the same inputs give the same bytes.
        Process tar = new ProcessBuilder(
                        "tar",
                        "--sort=name",
                        "--owner=0",
                        "--group=0",
                        "--numeric-owner",
                        "--mtime=@" + timestamp(build).getEpochSecond(),
                        "--use-compress-program=gzip -n -6",
                        "-cf",
                        tarball.toString(),
                        "-C",
                        work.toString(),
                        root.getFileName().toString())
                .inheritIO()
                .start();
        if (tar.waitFor() != 0) {
            throw new IOException("tar failed with exit code " + tar.exitValue());
        }
        Checksums.writeBeside(tarball);
        return tarball;
    }

    /** The build's time; a build that does not know it (no filtered resource) packs with now. */
    static java.time.Instant timestamp(BuildInfo build) {
        try {
            return java.time.Instant.parse(build.buildDate());
        } catch (java.time.format.DateTimeParseException e) {
            return java.time.Instant.now();
        }
    }

    /** The notices generated into the jar (license-maven-plugin), so they match what the jar bundles. */
    private static byte[] thirdPartyNotices(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("META-INF/" + THIRD_PARTY);
            if (entry == null) {
                throw new IOException(jar + " has no META-INF/" + THIRD_PARTY + " (license-maven-plugin did not run)");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
    }

    /**
     * Copies a tree, keeping permissions (scripts stay executable). A symbolic link (jlink's legal/
     * notices are links to java.base's) is copied as the file it points to, so every file of the
     * bundle is a regular file that SHA256SUMS covers.
     */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
