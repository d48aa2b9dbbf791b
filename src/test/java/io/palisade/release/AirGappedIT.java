package io.palisade.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bundle installs and runs where there is no network and no Java. Inside a new network
 * namespace (only a loopback, brought up by the test), with no java on PATH and no JAVA_HOME, the
 * unpacked bundle's own install.sh refuses it with one file tampered with, then installs it into a
 * temporary root (PALISADE_ROOT; a fake systemctl records the calls; no system user is created);
 * the installed release is started with the command line of the installed systemd unit, its paths
 * moved under that root, and answers its health checks and a chat completion by a caller its own
 * admin CLI created, from a model server double started from the installed release; then the
 * bundle's uninstall.sh removes the release and keeps the config and the data.
 *
 * <p>The one difference from a real host: the installed config's store path
 * ({@code sqlite:/var/lib/palisade/palisade.db}) is moved under the temporary root, as every other
 * path is; the test checks that this is the only change. Needs {@code unshare -n} (root, as here
 * and in CI): without it the test fails, it does not skip, because a skipped proof is no proof.
 */
class AirGappedIT {
    /** Everything the scripts and the release launcher call; deliberately no java among them. */
    private static final List<String> TOOLS = List.of(
            "bash",
            "sh",
            "ip",
            "readlink",
            "dirname",
            "cat",
            "sed",
            "curl",
            "sha256sum",
            "grep",
            "sort",
            "find",
            "comm",
            "tr",
            "head",
            "id",
            "mkdir",
            "chmod",
            "cp",
            "mv",
            "ln",
            "install",
            "basename",
            "touch",
            "cmp",
            "rm",
            "wc",
            "awk");
    /** Given to the server the way an operator would: in the unit's EnvironmentFile. */
    private static final String ADMIN_KEY = "pal_airgapped-test-admin-key-0123456789";

    private static final String STORE_PATH = "/var/lib/palisade/";

    @Test
    void theBundleInstallsAndServesWithNoNetworkAndNoJava() throws Exception {
        ReleaseFixture.Result probe = ReleaseFixture.run(Path.of("."), List.of("unshare", "-n", "true"));
        assertThat(probe.exit())
                .as("`unshare -n` must work (run the suite as root, or with CAP_SYS_ADMIN): " + probe.output())
                .isZero();

        Path release = ReleaseFixture.unpackBundle();
        String version = Files.readString(release.resolve("VERSION")).strip();
        Path sandbox = ReleaseFixture.temporaryDirectory("airgap");
        Path root = Files.createDirectories(sandbox.resolve("root"));
        Path tools = Files.createDirectories(sandbox.resolve("tools"));
        for (String tool : TOOLS) {
            Files.createSymbolicLink(tools.resolve(tool), which(tool));
        }
        Path calls = sandbox.resolve("systemctl.calls");
        Path systemctl = sandbox.resolve("systemctl");
        Files.writeString(systemctl, "#!" + which("sh") + "\necho \"$*\" >> '" + calls + "'\n");
        Files.setPosixFilePermissions(systemctl, PosixFilePermissions.fromString("rwx------"));
        Path script = sandbox.resolve("airgap.sh");
        Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        ReleaseFixture.Result run = ReleaseFixture.run(
                sandbox,
                List.of(which("unshare").toString(), "-n", which("bash").toString(), script.toString()),
                Map.of(
                        "PATH", tools.toString(),
                        "HOME", sandbox.toString(),
                        "RELEASE", release.toString(),
                        "SANDBOX", sandbox.toString(),
                        "ROOT", root.toString(),
                        "FAKE_SYSTEMCTL", systemctl.toString(),
                        "ADMIN_KEY", ADMIN_KEY));

        assertThat(run.exit()).as(run.output()).isZero();
        List<String> links =
                run.output().lines().filter(line -> line.matches("\\d+: .*")).toList();
        assertThat(links)
                .as("the namespace has only a loopback")
                .singleElement()
                .asString()
                .startsWith("1: lo:");
        assertThat(run.output())
                .as("the bundle's SHA256SUMS is checked: one changed file refuses the release")
                .contains("tampered install exit: 1")
                .contains("checksum mismatch in the release")
                .contains("install.sh: installed release " + version + " in " + root + "/opt/palisade/releases/"
                        + version)
                .contains("install.sh: not creating the system user palisade")
                .contains("installed release verified against its SHA256SUMS")
                .contains("serving: " + root + "/opt/palisade/current/bin/palisade serve --config " + root
                        + "/etc/palisade/palisade.yaml")
                .contains("healthy: http://127.0.0.1:4000/health/ready answered 200")
                .contains("healthy: http://127.0.0.1:4000/health/live answered 200")
                .containsPattern("answer: \\{.*\"object\":\"chat.completion\".*\"role\":\"assistant\"")
                .contains("uninstall exit: 0");

        String shipped = Files.readString(release.resolve("config/palisade.yaml"));
        assertThat(shipped).contains("sqlite:" + STORE_PATH);
        assertThat(Files.readString(root.resolve("etc/palisade/palisade.yaml")))
                .as(
                        "install.sh wrote the shipped config; only its store path was moved under the root; uninstall kept it")
                .isEqualTo(shipped.replace("sqlite:" + STORE_PATH, "sqlite:" + root + STORE_PATH));
        assertThat(Files.readAllLines(calls))
                .as("the service manager calls of install.sh, then uninstall.sh")
                .containsExactly(
                        "daemon-reload",
                        "enable --now palisade.service",
                        "disable --now palisade.service",
                        "daemon-reload");
        Path data = root.resolve("var/lib/palisade");
        assertThat(data.resolve("palisade.db"))
                .as("uninstall.sh without --purge keeps the store")
                .isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        assertThat(root.resolve("opt/palisade")).doesNotExist();
        assertThat(root.resolve("etc/systemd/system/palisade.service")).doesNotExist();
    }

    /** Runs in the new network namespace; each step prints what the assertions look for. */
    private static final String SCRIPT = """
            set -u
            ip link set lo up
            echo "links:"; ip -o link show
            if command -v java; then echo "a java is on PATH"; exit 3; fi
            cd "$RELEASE"
            host() { PALISADE_ROOT="$ROOT" SYSTEMCTL="$FAKE_SYSTEMCTL" "$@"; }

            # A release with one file changed is refused before anything is written.
            cp docs/install.md "$SANDBOX/install.md.shipped"
            echo "one more line" >> docs/install.md
            host ./install.sh
            echo "tampered install exit: $?"
            if [ -e "$ROOT/opt" ] || [ -e "$ROOT/etc" ]; then echo "the refused release wrote into $ROOT"; exit 6; fi
            cp "$SANDBOX/install.md.shipped" docs/install.md

            host ./install.sh || { echo "install failed"; exit 7; }
            current="$ROOT/opt/palisade/current"
            (cd "$current" && sha256sum --check --strict --quiet SHA256SUMS) && echo "installed release verified against its SHA256SUMS"

            # What the unit gives the service, under the temporary root: its config (store path moved
            # there), its EnvironmentFile with the secrets, its working directory and its ExecStart.
            unit="$ROOT/etc/systemd/system/palisade.service"
            sed -i "s|sqlite:/var/lib/palisade/|sqlite:$ROOT/var/lib/palisade/|" "$ROOT/etc/palisade/palisade.yaml"
            echo "PALISADE_ADMIN_KEY=$ADMIN_KEY" > "$ROOT/etc/palisade/secrets/palisade.env"
            chmod 0600 "$ROOT/etc/palisade/secrets/palisade.env"
            command=$(sed -n 's/^ExecStart=//p' "$unit" | sed "s| /| $ROOT/|g; s|^/|$ROOT/|")
            working="$ROOT$(sed -n 's/^WorkingDirectory=//p' "$unit")"
            echo "serving: $command"
            "$current/bin/palisade" simulate > "$SANDBOX/simulate.log" 2>&1 &
            simulate=$!
            (cd "$working" && set -a && . "$ROOT/etc/palisade/secrets/palisade.env" && set +a &&
              PALISADE_CONFIG="$ROOT/etc/palisade/palisade.yaml" exec $command) > "$SANDBOX/serve.log" 2>&1 &
            serve=$!
            # Wait for the condition, bounded: each probe is a JVM start, 240 of them are minutes.
            probes=0
            until "$current/bin/palisade" health --url http://127.0.0.1:4000/health/ready --timeout-seconds 2 > "$SANDBOX/probe.log" 2>&1; do
              probes=$((probes + 1))
              if ! kill -0 "$serve"; then echo "serve exited"; cat "$SANDBOX/serve.log"; kill "$simulate"; exit 5; fi
              if [ "$probes" -ge 240 ]; then echo "never ready"; cat "$SANDBOX/serve.log"; kill "$serve" "$simulate"; exit 4; fi
            done
            cat "$SANDBOX/probe.log"
            "$current/bin/palisade" health --url http://127.0.0.1:4000/health/live
            status=$?
            # A model call through the gateway, by a caller the installed admin CLI created.
            export PALISADE_ADMIN_KEY="$ADMIN_KEY"
            "$current/bin/palisade" admin users create alice@example.com
            key=$("$current/bin/palisade" admin keys create --user alice@example.com --models llama3.2:1b | sed -n 's/.*\\(pal_[A-Za-z0-9_-]*\\).*/\\1/p')
            echo "answer: $(curl -s http://127.0.0.1:4000/v1/chat/completions -H "Authorization: Bearer $key" \\
              -H 'Content-Type: application/json' \\
              -d '{"model":"llama3.2:1b","messages":[{"role":"user","content":"Hello"}]}')"
            kill "$serve" "$simulate"
            wait

            host ./uninstall.sh
            echo "uninstall exit: $?"
            exit "$status"
            """;

    private static Path which(String tool) {
        for (String directory : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path candidate = Path.of(directory, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(tool + " is not installed: the air-gapped test needs it");
    }
}
