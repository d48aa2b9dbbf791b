package io.palisade.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The release built once per test JVM from target/palisade.jar (the *IT classes run after
 * `package`), in a temporary directory, by the same code as {@code ./palisade package}. Also the
 * small process helpers the release tests share.
 */
final class ReleaseFixture {
    static final Path PROJECT = Path.of("").toAbsolutePath();
    static final Path JAR = PROJECT.resolve("target/palisade.jar");
    private static ReleaseArtifacts artifacts;
    private static Path base;

    private ReleaseFixture() {}

    /**
     * A new directory under this JVM's one scratch directory, which is deleted when the JVM ends
     * (a release, unpacked bundles and an extracted image are some hundred megabytes).
     */
    static synchronized Path temporaryDirectory(String prefix) throws IOException {
        if (base == null) {
            base = Files.createTempDirectory("palisade-release-tests");
            Path toDelete = base;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    ReleaseBuild.deleteTree(toDelete);
                } catch (IOException e) {
                    System.err.println("could not delete " + toDelete + ": " + e);
                }
            }));
        }
        return Files.createTempDirectory(base, prefix);
    }

    static synchronized ReleaseArtifacts artifacts() throws Exception {
        if (artifacts == null) {
            if (!Files.isRegularFile(JAR)) {
                throw new IllegalStateException(
                        JAR + " is missing: the release tests run after `package` (./mvnw verify)");
            }
            Path directory = temporaryDirectory("release");
            artifacts = ReleaseBuild.build(PROJECT, JAR, directory.resolve("dist"), directory.resolve("work"));
        }
        return artifacts;
    }

    /** Unpacks the bundle into a new temporary directory; returns palisade-VERSION/ inside it. */
    static Path unpackBundle() throws Exception {
        ReleaseArtifacts release = artifacts();
        Path into = temporaryDirectory("bundle");
        Result tar = run(into, List.of("tar", "-xzf", release.bundle().toString(), "-C", into.toString()));
        if (tar.exit() != 0) {
            throw new IOException("tar failed: " + tar.output());
        }
        return into.resolve(Bundle.directoryName(release.build()));
    }

    record Result(int exit, String output) {}

    /** Runs a command to its end (bounded: five minutes), output and errors together. */
    static Result run(Path directory, List<String> command) throws IOException, InterruptedException {
        return run(directory, command, null);
    }

    /** {@code environment} replaces the inherited one when not null. */
    static Result run(Path directory, List<String> command, java.util.Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(directory.toFile())
                .redirectErrorStream(true);
        Path output = Files.createTempFile(temporaryDirectory("run"), "output", ".log");
        builder.redirectOutput(output.toFile());
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IOException(command + " did not finish in 5 minutes:\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
