package io.palisade.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dist/host/palisade.service: systemd accepts it as written, and it carries the hardening the docs promise. */
class SystemdUnitTest {
    private static final Path UNIT = HostRoot.DIST.resolve("palisade.service");
    private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");

    /**
     * {@code systemd-analyze verify} checks every key and that the commands exist. With {@code --root}
     * it wants a whole systemd tree (sysinit.target), so a copy is verified whose ExecStart points at
     * an executable in a temporary folder instead of /opt/palisade/current; nothing else is changed.
     */
    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutAWarning(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(ANALYZE), "systemd-analyze is not installed here");
        Path binary = dir.resolve("opt/palisade/current/bin/palisade");
        Files.createDirectories(binary.getParent());
        Files.writeString(binary, "#!/bin/sh\n");
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path copy = dir.resolve("palisade.service");
        Files.writeString(
                copy, Files.readString(UNIT).replace("/opt/palisade/current/bin/palisade", binary.toString()));

        Process verify = new ProcessBuilder(ANALYZE.toString(), "verify", "--man=no", copy.toString())
                .redirectErrorStream(true)
                .start();
        String output;
        try (InputStream out = verify.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(verify.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(verify.exitValue()).as(output).isZero();
        // Unknown or misspelt keys are only warnings (exit 0): any output is a defect.
        assertThat(output).isEmpty();
    }

    @Test
    void theUnitRunsTheCurrentReleaseAsPalisadeHardenedAndReloadsOnHangup() throws Exception {
        assertThat(Files.readAllLines(UNIT))
                .contains(
                        "User=palisade",
                        "ExecStart=/opt/palisade/current/bin/palisade serve --config /etc/palisade/palisade.yaml",
                        "ExecReload=/bin/kill -HUP $MAINPID",
                        "Restart=on-failure",
                        "NoNewPrivileges=yes",
                        "ProtectSystem=strict",
                        "ProtectHome=yes",
                        "PrivateTmp=yes",
                        "ReadWritePaths=/var/lib/palisade",
                        "LimitNOFILE=65536",
                        "CapabilityBoundingSet=",
                        "TimeoutStopSec=30s");
    }
}
