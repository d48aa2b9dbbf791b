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
 * The bundle runs where there is no network and no Java: unpacked, started from its own bin/palisade
 * inside a new network namespace (only a loopback, brought up by the test), with no java on PATH
 * and no JAVA_HOME, it answers its health checks and a chat completion by a caller its own admin
 * CLI created, from a model server double started from the same bundle. Needs `unshare -n` (root, as here and in CI): without it the test fails, it does
 * not skip, because a skipped proof is no proof.
 */
class AirGappedIT {
    /** Everything the script and the release launcher call; deliberately no java among them. */
    private static final List<String> TOOLS = List.of("sh", "ip", "readlink", "dirname", "cat", "sed", "curl");
    /** Registered at start (admin.key), so the script can issue a caller key. */
    private static final String ADMIN_KEY = "pal_airgapped-test-admin-key-0123456789";

    @Test
    void theBundleServesWithNoNetworkAndNoJava() throws Exception {
        ReleaseFixture.Result probe = ReleaseFixture.run(Path.of("."), List.of("unshare", "-n", "true"));
        assertThat(probe.exit())
                .as("`unshare -n` must work (run the suite as root, or with CAP_SYS_ADMIN): " + probe.output())
                .isZero();

        Path release = ReleaseFixture.unpackBundle();
        Path sandbox = ReleaseFixture.temporaryDirectory("airgap");
        Path tools = Files.createDirectories(sandbox.resolve("tools"));
        for (String tool : TOOLS) {
            Files.createSymbolicLink(tools.resolve(tool), which(tool));
        }
        Path script = sandbox.resolve("airgap.sh");
        Files.writeString(script, """
                set -u
                ip link set lo up
                echo "links:"; ip -o link show
                if command -v java; then echo "a java is on PATH"; exit 3; fi
                cd "$RELEASE"
                bin/palisade simulate > "$SANDBOX/simulate.log" 2>&1 &
                simulate=$!
                PALISADE_STORE_URL="sqlite:$SANDBOX/data/palisade.db" PALISADE_ADMIN_KEY="$ADMIN_KEY" bin/palisade serve > "$SANDBOX/serve.log" 2>&1 &
                serve=$!
                # Wait for the condition, bounded: each probe is a JVM start, 240 of them are minutes.
                probes=0
                until bin/palisade health --url http://127.0.0.1:4000/health/ready --timeout-seconds 2 > "$SANDBOX/probe.log" 2>&1; do
                  probes=$((probes + 1))
                  if ! kill -0 "$serve"; then echo "serve exited"; cat "$SANDBOX/serve.log"; exit 5; fi
                  if [ "$probes" -ge 240 ]; then echo "never ready"; cat "$SANDBOX/serve.log"; kill "$serve" "$simulate"; exit 4; fi
                done
                cat "$SANDBOX/probe.log"
                bin/palisade health --url http://127.0.0.1:4000/health/live
                status=$?
                # A model call through the gateway, by a caller the bundle's own admin CLI created.
                export PALISADE_ADMIN_KEY="$ADMIN_KEY"
                bin/palisade admin users create alice@example.com
                key=$(bin/palisade admin keys create --user alice@example.com --models llama3.2:1b | sed -n 's/.*\\(pal_[A-Za-z0-9_-]*\\).*/\\1/p')
                echo "answer: $(curl -s http://127.0.0.1:4000/v1/chat/completions -H "Authorization: Bearer $key" \\
                  -H 'Content-Type: application/json' \\
                  -d '{"model":"llama3.2:1b","messages":[{"role":"user","content":"Hello"}]}')"
                kill "$serve" "$simulate"
                wait
                exit "$status"
                """, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        ReleaseFixture.Result run = ReleaseFixture.run(
                sandbox,
                List.of(which("unshare").toString(), "-n", which("sh").toString(), script.toString()),
                Map.of(
                        "PATH", tools.toString(),
                        "HOME", sandbox.toString(),
                        "RELEASE", release.toString(),
                        "SANDBOX", sandbox.toString(),
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
                .contains("healthy: http://127.0.0.1:4000/health/ready answered 200")
                .contains("healthy: http://127.0.0.1:4000/health/live answered 200")
                .containsPattern("answer: \\{.*\"object\":\"chat.completion\".*\"role\":\"assistant\"");
    }

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
