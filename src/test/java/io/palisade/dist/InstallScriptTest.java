package io.palisade.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dist/host/install.sh, run for real against a temporary root (issue 17, "On a host"). */
class InstallScriptTest {
    @TempDir
    Path dir;

    private HostRoot host;

    @BeforeEach
    void createRoot() throws Exception {
        host = new HostRoot(dir);
    }

    @AfterEach
    void closeRoot() {
        host.close();
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aFreshInstallLaysOutReleaseConfigDataAndUnitAndStartsTheService() throws Exception {
        Path release = host.recorderRelease("1.0.0", HostRoot.Answers.passing());

        HostRoot.Run run = host.run(release, "install.sh");

        assertThat(run.exit()).as(run.output()).isZero();
        Path installed = host.opt().resolve("releases/1.0.0");
        assertThat(installed.resolve("bin/palisade")).isExecutable();
        assertThat(installed.resolve("SHA256SUMS")).hasSameTextualContentAs(release.resolve("SHA256SUMS"));
        // Relative, so the link means the same inside the root and on the host it is copied to.
        assertThat(Files.readSymbolicLink(host.opt().resolve("current"))).isEqualTo(Path.of("releases/1.0.0"));
        assertThat(host.config()).hasSameTextualContentAs(release.resolve("config/palisade.yaml"));
        assertThat(permissions(host.config())).isEqualTo("rw-r-----");
        assertThat(permissions(host.root.resolve("etc/palisade/secrets"))).isEqualTo("rwx------");
        assertThat(permissions(host.root.resolve("var/lib/palisade"))).isEqualTo("rwx------");
        assertThat(host.root.resolve("etc/systemd/system/palisade.service"))
                .hasSameTextualContentAs(HostRoot.DIST.resolve("palisade.service"));
        assertThat(host.systemctlCalls()).containsExactly("daemon-reload", "enable --now palisade.service");
        assertThat(run.output()).contains("not creating the system user palisade");
    }

    @Test
    void installingAgainChangesNothingAndNeverOverwritesTheConfig() throws Exception {
        Path release = host.recorderRelease("1.0.0", HostRoot.Answers.passing());
        assertThat(host.run(release, "install.sh").exit()).isZero();
        String edited = "server: {port: 4100}\n# the operator's\n";
        Files.writeString(host.config(), edited);

        HostRoot.Run again = host.run(release, "install.sh");

        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("already installed").contains("keeping the existing");
        assertThat(host.config()).hasContent(edited);
        assertThat(host.linked("current")).isEqualTo("1.0.0");
        try (var releases = Files.list(host.opt().resolve("releases"))) {
            assertThat(releases.map(path -> path.getFileName().toString())).containsExactly("1.0.0");
        }
    }

    @Test
    void aReleaseWithAWrongChecksumIsRefusedAndNothingIsInstalled() throws Exception {
        Path release = host.recorderRelease("1.0.0", HostRoot.Answers.passing());
        Files.writeString(
                release.resolve("config/palisade.yaml"), "# tampered\n", java.nio.file.StandardOpenOption.APPEND);

        HostRoot.Run run = host.run(release, "install.sh");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("checksum mismatch").contains("config/palisade.yaml");
        assertThat(host.opt()).doesNotExist();
        assertThat(host.config()).doesNotExist();
        assertThat(host.systemctlCalls()).isEmpty();
    }

    @Test
    void aFileSha256sumsDoesNotListIsRefused() throws Exception {
        Path release = host.recorderRelease("1.0.0", HostRoot.Answers.passing());
        Files.writeString(release.resolve("lib/extra.jar"), "smuggled in");

        HostRoot.Run run = host.run(release, "install.sh");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("SHA256SUMS does not list").contains("lib/extra.jar");
        assertThat(host.opt()).doesNotExist();
    }

    @Test
    void aReleaseWithoutSha256sumsIsRefused() throws Exception {
        Path release = host.recorderRelease("1.0.0", HostRoot.Answers.passing());
        Files.delete(release.resolve("SHA256SUMS"));

        HostRoot.Run run = host.run(release, "install.sh");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("no SHA256SUMS");
        assertThat(host.opt()).doesNotExist();
    }

    @Test
    void anotherVersionAlreadyInstalledIsLeftToUpgrade() throws Exception {
        assertThat(host.run(host.recorderRelease("1.0.0", HostRoot.Answers.passing()), "install.sh")
                        .exit())
                .isZero();

        HostRoot.Run run = host.run(host.recorderRelease("1.1.0", HostRoot.Answers.passing()), "install.sh");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("Palisade 1.0.0 is installed").contains("upgrade.sh");
        assertThat(host.linked("current")).isEqualTo("1.0.0");
        assertThat(host.opt().resolve("releases/1.1.0")).doesNotExist();
    }
}
