package io.palisade.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The host scripts pass shellcheck (Debian package shellcheck, installed by scripts/test-services):
 * they run as root on operators' hosts, where a quoting slip deletes the wrong folder.
 */
class ShellcheckTest {
    private static final Path SHELLCHECK = Path.of("/usr/bin/shellcheck");

    @Test
    void theHostScriptsPassShellcheck() throws Exception {
        assertThat(SHELLCHECK)
                .as("shellcheck is missing: run scripts/test-services (or ./palisade test) to install it")
                .isExecutable();
        List<String> command = new ArrayList<>(List.of(SHELLCHECK.toString(), "-x", "-P", "SCRIPTDIR"));
        for (String script :
                List.of("install.sh", "upgrade.sh", "rollback.sh", "uninstall.sh", "lib/host.sh", "bin/palisade")) {
            Path file = HostRoot.DIST.resolve(script);
            assertThat(file).exists();
            command.add(file.toString());
        }
        Process shellcheck =
                new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream out = shellcheck.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(shellcheck.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(shellcheck.exitValue()).as(output).isZero();
    }
}
