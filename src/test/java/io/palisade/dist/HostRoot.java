package io.palisade.dist;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A temporary filesystem root the host scripts (dist/host) install into, run for real with bash:
 * PALISADE_ROOT points at it and SYSTEMCTL at a fake that records its calls. Builds unpacked
 * releases from dist/host with a {@code bin/palisade} that is either a recorder (which logs its
 * arguments and answers as told) or the real CLI on the test classpath. Also serves
 * {@code /health/ready}: ready unless `current` points at a release the test marked never ready. Close it to stop that server.
 */
final class HostRoot implements AutoCloseable {
    /** Maven runs tests from the project directory. */
    static final Path DIST = Path.of("dist/host").toAbsolutePath();

    final Path root;
    final Path work;
    final Path systemctlCalls;
    final Path binaryCalls;
    /** Releases that never become ready: /health/ready answers 503 while `current` points at one. */
    final Set<String> neverReady = ConcurrentHashMap.newKeySet();

    private final Path systemctl;
    private final HttpServer health;

    /** How a recorder release's {@code bin/palisade} answers each command. */
    record Answers(int backup, int smoke, int schema, int restore, String auditExport) {
        static Answers passing() {
            return new Answers(0, 0, 0, 0, "{\"request_id\":\"req_1\"}\n{\"request_id\":\"req_2\"}\n");
        }

        Answers withSmoke(int exit) {
            return new Answers(backup, exit, schema, restore, auditExport);
        }

        Answers withSchema(int exit) {
            return new Answers(backup, smoke, exit, restore, auditExport);
        }

        Answers withAuditExport(String lines) {
            return new Answers(backup, smoke, schema, restore, lines);
        }
    }

    /** What a script run printed (standard output and error together) and its exit code. */
    record Run(int exit, String output) {}

    HostRoot(Path dir) throws IOException {
        this.root = Files.createDirectories(dir.resolve("root"));
        this.work = Files.createDirectories(dir.resolve("work"));
        this.systemctlCalls = work.resolve("systemctl.calls");
        this.binaryCalls = work.resolve("palisade.calls");
        Files.createFile(systemctlCalls);
        Files.createFile(binaryCalls);
        this.systemctl = executable(work.resolve("systemctl"), "#!/bin/sh\necho \"$*\" >> '" + systemctlCalls + "'\n");
        this.health = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        health.createContext("/health/ready", exchange -> {
            exchange.sendResponseHeaders(neverReady.contains(linkedOrNone("current")) ? 503 : 200, -1);
            exchange.close();
        });
        health.start();
    }

    String url() {
        return "http://127.0.0.1:" + health.getAddress().getPort();
    }

    Path opt() {
        return root.resolve("opt/palisade");
    }

    Path config() {
        return root.resolve("etc/palisade/palisade.yaml");
    }

    /** The version {@code opt/palisade/current} (or {@code previous}) points at. */
    String linked(String link) throws IOException {
        return Files.readSymbolicLink(opt().resolve(link)).getFileName().toString();
    }

    private String linkedOrNone(String link) {
        try {
            return linked(link);
        } catch (IOException e) {
            return "";
        }
    }

    /** An unpacked release whose bin/palisade records its calls into {@link #binaryCalls} and answers as told. */
    Path recorderRelease(String version, Answers answers) throws IOException {
        Path state = Files.createDirectories(work.resolve("state-" + version));
        String script = """
                #!/bin/bash
                echo "%1$s $*" >> '%2$s'
                output=""
                previous=""
                for argument in "$@"; do
                  if [ "$previous" = --output ]; then output="$argument"; fi
                  previous="$argument"
                done
                case "$1 ${2:-}" in
                  "backup --config") [ %3$d -ne 0 ] || mkdir -p "$output"; exit %3$d ;;
                  "eval smoke") exit %4$d ;;
                  "store schema")
                    if [ -f '%7$s/restored' ]; then echo '{"compatible":true}'; exit 0; fi
                    echo '{"store_schema":10,"release_schema":9,"compatible":%8$s}'; exit %5$d ;;
                  "restore --config") [ %6$d -ne 0 ] || touch '%7$s/restored'; exit %6$d ;;
                  "audit export") printf '%%s' '%9$s' > "$output"; exit 0 ;;
                  "audit verify") echo "audit chain intact: 2 records; head hash x"; exit 0 ;;
                esac
                exit 0
                """.formatted(
                        version,
                        binaryCalls,
                        answers.backup(),
                        answers.smoke(),
                        answers.schema(),
                        answers.restore(),
                        state,
                        answers.schema() == 0,
                        answers.auditExport());
        return release(version, script);
    }

    /** An unpacked release whose bin/palisade is the real CLI (this build, on the test classpath). */
    Path realRelease(String version) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // As the release jar's manifest does (Enable-Native-Access), so SQLite's native library loads without a
        // warning.
        String script = "#!/bin/sh\nexec '" + java + "' -Xmx128m --enable-native-access=ALL-UNNAMED -cp '"
                + System.getProperty("java.class.path") + "' io.palisade.cli.Main \"$@\"\n";
        return release(version, script);
    }

    private Path release(String version, String binary) throws IOException {
        Path release = work.resolve("unpacked-" + version + "/palisade-" + version);
        copyTree(DIST, release);
        executable(release.resolve("bin/palisade"), binary);
        Files.writeString(release.resolve("VERSION"), version + "\n");
        writeChecksums(release);
        return release;
    }

    /** Writes SHA256SUMS for every file of the release, as `sha256sum` would. */
    static void writeChecksums(Path release) throws IOException {
        StringBuilder sums = new StringBuilder();
        try (Stream<Path> files = Files.walk(release)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = release.relativize(file).toString();
                if (!name.equals("SHA256SUMS")) {
                    sums.append(sha256(file)).append("  ").append(name).append('\n');
                }
            }
        }
        Files.writeString(release.resolve("SHA256SUMS"), sums);
    }

    /** Runs {@code script} of the release with bash, against this root and the fake systemctl. */
    Run run(Path release, String script, String... arguments) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of("bash", release.resolve(script).toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PALISADE_ROOT", root.toString());
        builder.environment().put("SYSTEMCTL", systemctl.toString());
        builder.environment().remove("PALISADE_URL");
        Process process = builder.start();
        process.getOutputStream().close();
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        // The output ended, so the script has (all but) exited; the bound only guards against a hang.
        if (!process.waitFor(1, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(script + " did not exit:\n" + output);
        }
        return new Run(process.exitValue(), output);
    }

    List<String> systemctlCalls() throws IOException {
        return Files.readAllLines(systemctlCalls);
    }

    List<String> binaryCalls() throws IOException {
        return Files.readAllLines(binaryCalls);
    }

    void forgetCalls() throws IOException {
        Files.writeString(systemctlCalls, "");
        Files.writeString(binaryCalls, "");
    }

    @Override
    public void close() {
        health.stop(0);
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path executable(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
