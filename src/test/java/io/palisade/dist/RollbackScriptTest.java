package io.palisade.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dist/host/rollback.sh with recorder releases: the older release is asked about the store first;
 * a store it cannot read refuses the rollback (nothing changes) unless a backup is restored with it.
 * The real {@code palisade store schema} behind that answer is tested in {@link RealReleaseTest}.
 */
class RollbackScriptTest {
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

    /** 1.0.0 installed (answering `store schema` with {@code oldSchemaExit}), then upgraded to 1.1.0. */
    private Path upgradedFrom(int oldSchemaExit) throws Exception {
        HostRoot.Run install = host.run(
                host.recorderRelease("1.0.0", HostRoot.Answers.passing().withSchema(oldSchemaExit)), "install.sh");
        assertThat(install.exit()).as(install.output()).isZero();
        HostRoot.Run upgrade = host.run(
                host.recorderRelease("1.1.0", HostRoot.Answers.passing()),
                "upgrade.sh",
                "--url",
                host.url(),
                "--attempts",
                "5");
        assertThat(upgrade.exit()).as(upgrade.output()).isZero();
        host.forgetCalls();
        return host.opt().resolve("releases/1.1.0");
    }

    @Test
    void aRollbackSwitchesBackToThePreviousReleaseAndRestarts() throws Exception {
        Path installed = upgradedFrom(0);

        HostRoot.Run run = host.run(installed, "rollback.sh", "--url", host.url(), "--attempts", "5");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(host.linked("current")).isEqualTo("1.0.0");
        assertThat(host.linked("previous")).isEqualTo("1.1.0");
        assertThat(host.binaryCalls()).containsExactly("1.0.0 store schema --config " + host.config());
        assertThat(host.systemctlCalls()).containsExactly("daemon-reload", "restart palisade.service");
        assertThat(run.output()).contains("rolled back to 1.0.0");
    }

    @Test
    void aStoreTheOlderReleaseCannotReadRefusesTheRollbackAndChangesNothing() throws Exception {
        Path installed = upgradedFrom(4);

        HostRoot.Run run = host.run(installed, "rollback.sh", "--to", "1.0.0", "--url", host.url());

        assertThat(run.exit()).isEqualTo(4);
        assertThat(run.output())
                .contains("REFUSED: the store was migrated by a newer release past what 1.0.0 can read")
                .contains("Nothing was changed")
                .contains(
                        "--restore-backup " + host.root.resolve("var/lib/palisade/backups/pre-upgrade-1.0.0-to-1.1.0"));
        assertThat(host.linked("current")).isEqualTo("1.1.0");
        assertThat(host.systemctlCalls()).isEmpty();
    }

    @Test
    void withTheBackupTheOlderReleaseRestoresItWhileStoppedThenStarts() throws Exception {
        Path installed = upgradedFrom(4);
        Path backup = host.root.resolve("var/lib/palisade/backups/pre-upgrade-1.0.0-to-1.1.0");

        HostRoot.Run run = host.run(
                installed,
                "rollback.sh",
                "--restore-backup",
                backup.toString(),
                "--url",
                host.url(),
                "--attempts",
                "5");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(host.binaryCalls())
                .containsExactly(
                        "1.0.0 store schema --config " + host.config(),
                        "1.0.0 restore --config " + host.config() + " --input " + backup,
                        "1.0.0 store schema --config " + host.config());
        assertThat(host.systemctlCalls())
                .containsExactly("stop palisade.service", "daemon-reload", "restart palisade.service");
        assertThat(host.linked("current")).isEqualTo("1.0.0");
    }

    @Test
    void aFailedRestoreKeepsTheCurrentReleaseAndStartsItAgain() throws Exception {
        Path installed = upgradedFrom(4);
        Path backup = host.root.resolve("var/lib/palisade/backups/pre-upgrade-1.0.0-to-1.1.0");
        Path oldBinary = host.opt().resolve("releases/1.0.0/bin/palisade");
        Files.writeString(
                oldBinary,
                Files.readString(oldBinary)
                        .replace("\"restore --config\")", "\"restore --config\") exit 3 ;;\n  \"never\")"));

        HostRoot.Run run = host.run(
                installed,
                "rollback.sh",
                "--restore-backup",
                backup.toString(),
                "--url",
                host.url(),
                "--attempts",
                "5");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("restoring " + backup + " failed").contains("1.1.0 is still current");
        assertThat(host.linked("current")).isEqualTo("1.1.0");
        assertThat(host.systemctlCalls()).containsExactly("stop palisade.service", "start palisade.service");
    }

    @Test
    void aReleaseThatIsNotInstalledIsRefused() throws Exception {
        Path installed = upgradedFrom(0);

        HostRoot.Run run = host.run(installed, "rollback.sh", "--to", "0.9.0");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("release 0.9.0 is not installed").contains("1.0.0");
        assertThat(host.linked("current")).isEqualTo("1.1.0");
    }
}
