package io.palisade.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The air-gapped bundle: exactly the expected files, every one covered by SHA256SUMS, tampering detected. */
class ReleaseBundleIT {
    private static ReleaseArtifacts release;
    private static Path root;

    @BeforeAll
    static void unpack() throws Exception {
        release = ReleaseFixture.artifacts();
        root = ReleaseFixture.unpackBundle();
    }

    @Test
    void theBundleHoldsExactlyTheReleaseFiles() throws IOException {
        Set<String> expected = new TreeSet<>();
        expected.addAll(
                List.of("LICENSE", "README.md", "THIRD-PARTY.txt", "VERSION", "SHA256SUMS", "lib/palisade.jar"));
        Path project = ReleaseFixture.PROJECT;
        // The host scripts (dist/host) at the top, deploy/ and docs/ whole: each file as in the repository.
        for (String file : relativeFiles(project.resolve("dist/host"))) {
            expected.add(file);
            assertSameFile(project.resolve("dist/host").resolve(file), root.resolve(file));
        }
        for (String directory : List.of("deploy", "docs")) {
            for (String file : relativeFiles(project.resolve(directory))) {
                expected.add(directory + "/" + file);
                assertSameFile(
                        project.resolve(directory).resolve(file),
                        root.resolve(directory).resolve(file));
            }
        }
        expected.addAll(relativeFiles(root.resolve("runtime")).stream()
                .map(file -> "runtime/" + file)
                .toList());

        assertThat(relativeFiles(root)).containsExactlyElementsOf(expected);
        assertThat(Files.readString(root.resolve("VERSION")))
                .isEqualTo(release.build().version() + "\n");
        assertThat(Files.getPosixFilePermissions(root.resolve("bin/palisade")))
                .contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.mismatch(root.resolve("lib/palisade.jar"), ReleaseFixture.JAR))
                .isEqualTo(-1L);
        assertThat(Files.readString(root.resolve("THIRD-PARTY.txt"))).contains("jackson-databind");
    }

    @Test
    void theRuntimeIsAStrippedJlinkOfThePinnedModules() throws Exception {
        Path runtime = root.resolve("runtime");
        assertThat(runtime.resolve("bin/java")).isExecutable();
        assertThat(runtime.resolve("man")).doesNotExist();
        assertThat(runtime.resolve("include")).doesNotExist();
        assertThat(runtime.resolve("bin/javac")).doesNotExist();

        ReleaseFixture.Result modules =
                ReleaseFixture.run(root, List.of(runtime.resolve("bin/java").toString(), "--list-modules"));

        assertThat(modules.exit()).isZero();
        List<String> names = modules.output()
                .lines()
                .map(line -> line.substring(0, line.indexOf('@')))
                .toList();
        assertThat(names).containsAll(RuntimeModules.PINNED).doesNotContain("jdk.compiler", "jdk.jlink", "jdk.jshell");
    }

    @Test
    void everyFileIsCoveredAndTheSumsVerify() throws Exception {
        Set<String> summed = new TreeSet<>();
        for (String line : Files.readAllLines(root.resolve("SHA256SUMS"))) {
            assertThat(line).matches("[0-9a-f]{64}  \\S.*");
            summed.add(line.substring(66));
        }
        Set<String> files = new TreeSet<>(regularFiles(root));
        files.remove("SHA256SUMS");
        assertThat(summed).isEqualTo(files);

        ReleaseFixture.Result check = ReleaseFixture.run(root, List.of("sha256sum", "--strict", "-c", "SHA256SUMS"));
        assertThat(check.exit()).as(check.output()).isZero();

        Path dist = release.bundle().getParent();
        ReleaseFixture.Result tarball = ReleaseFixture.run(
                dist, List.of("sha256sum", "--strict", "-c", release.bundle().getFileName() + ".sha256"));
        assertThat(tarball.exit()).as(tarball.output()).isZero();
    }

    @Test
    void aTamperedFileFailsTheCheckAndIsNamed() throws Exception {
        Path copy = ReleaseFixture.unpackBundle();
        Files.writeString(copy.resolve("docs/operations.md"), "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        ReleaseFixture.Result check = ReleaseFixture.run(copy, List.of("sha256sum", "--quiet", "-c", "SHA256SUMS"));

        assertThat(check.exit()).isNotZero();
        assertThat(check.output()).contains("docs/operations.md: FAILED").doesNotContain("lib/palisade.jar");
    }

    @Test
    void aTamperedTarballFailsItsOwnChecksum() throws Exception {
        Path directory = ReleaseFixture.temporaryDirectory("tampered");
        Path tarball = directory.resolve(release.bundle().getFileName());
        Files.copy(release.bundle(), tarball);
        Files.copy(
                release.bundle().resolveSibling(tarball.getFileName() + ".sha256"),
                directory.resolve(tarball.getFileName() + ".sha256"));
        Files.write(tarball, new byte[] {0}, StandardOpenOption.APPEND);

        ReleaseFixture.Result check =
                ReleaseFixture.run(directory, List.of("sha256sum", "-c", tarball.getFileName() + ".sha256"));

        assertThat(check.exit()).isNotZero();
        assertThat(check.output()).contains("FAILED");
    }

    private static void assertSameFile(Path expected, Path actual) throws IOException {
        assertThat(Files.mismatch(expected, actual)).as(actual.toString()).isEqualTo(-1L);
        assertThat(Files.isExecutable(actual)).as(actual + " executable").isEqualTo(Files.isExecutable(expected));
    }

    /** Files and links below {@code directory}, relative, sorted. */
    private static Set<String> relativeFiles(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return new TreeSet<>(walk.filter(path -> !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
                    .map(path -> directory.relativize(path).toString())
                    .toList());
        }
    }

    private static Set<String> regularFiles(Path directory) throws IOException {
        Set<String> files = new TreeSet<>();
        for (Path file : Checksums.filesBelow(directory)) {
            files.add(directory.relativize(file).toString());
        }
        return files;
    }
}
