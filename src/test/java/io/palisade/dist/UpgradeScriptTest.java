package io.palisade.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dist/host/upgrade.sh, run for real against a temporary root with recorder releases: the order of
 * backup (by the old release), switch, restart, readiness and smoke eval (by the new one), the
 * skip flags, the rollback offered or done on failure, and how many releases stay.
 */
class UpgradeScriptTest {
    @TempDir
    Path dir;

    private HostRoot host;

    @BeforeEach
    void installOne() throws Exception {
        host = new HostRoot(dir);
        HostRoot.Run install = host.run(host.recorderRelease("1.0.0", HostRoot.Answers.passing()), "install.sh");
        assertThat(install.exit()).as(install.output()).isZero();
        host.forgetCalls();
    }

    @AfterEach
    void closeRoot() {
        host.close();
    }

    private String config() {
        return host.config().toString();
    }

    @Test
    void anUpgradeBacksUpWithTheOldReleaseSwitchesRestartsWaitsAndRunsTheSmokeEval() throws Exception {
        Path release = host.recorderRelease("1.1.0", HostRoot.Answers.passing());

        HostRoot.Run run = host.run(release, "upgrade.sh", "--url", host.url(), "--attempts", "5");

        assertThat(run.exit()).as(run.output()).isZero();
        Path backup = host.root.resolve("var/lib/palisade/backups/pre-upgrade-1.0.0-to-1.1.0");
        assertThat(host.binaryCalls())
                .containsExactly(
                        "1.0.0 backup --config " + config() + " --output " + backup,
                        "1.1.0 eval smoke --config " + config() + " --owner upgrade:1.0.0->1.1.0");
        assertThat(backup).isDirectory();
        assertThat(host.linked("current")).isEqualTo("1.1.0");
        assertThat(host.linked("previous")).isEqualTo("1.0.0");
        assertThat(host.opt().resolve("releases/1.0.0/bin/palisade")).isExecutable();
        assertThat(host.systemctlCalls()).containsExactly("daemon-reload", "restart palisade.service");
        assertThat(run.output()).contains("upgraded from 1.0.0 to 1.1.0");
    }

    @Test
    void skipFlagsLeaveOutTheBackupAndTheSmokeEval() throws Exception {
        Path release = host.recorderRelease("1.1.0", HostRoot.Answers.passing());

        HostRoot.Run run = host.run(
                release, "upgrade.sh", "--skip-backup", "--skip-smoke", "--url", host.url(), "--attempts", "5");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(host.binaryCalls()).isEmpty();
        assertThat(host.root.resolve("var/lib/palisade/backups")).doesNotExist();
        assertThat(host.linked("current")).isEqualTo("1.1.0");
    }

    @Test
    void aFailedBackupChangesNothing() throws Exception {
        Path release = host.recorderRelease("1.1.0", HostRoot.Answers.passing());
        // The old release's binary is the one asked for the backup: make it fail.
        Path old = host.opt().resolve("releases/1.0.0/bin/palisade");
        Files.writeString(old, "#!/bin/sh\necho 'backup: disk full' >&2\nexit 1\n");

        HostRoot.Run run = host.run(release, "upgrade.sh", "--url", host.url(), "--attempts", "5");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("disk full").contains("pre-upgrade backup failed");
        assertThat(host.linked("current")).isEqualTo("1.0.0");
        assertThat(host.opt().resolve("releases/1.1.0")).doesNotExist();
        assertThat(host.systemctlCalls()).isEmpty();
    }

    @Test
    void aFailedSmokeEvalSaysExactlyHowToRollBack() throws Exception {
        Path release = host.recorderRelease("1.1.0", HostRoot.Answers.passing().withSmoke(1));

        HostRoot.Run run = host.run(release, "upgrade.sh", "--url", host.url(), "--attempts", "5");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output())
                .contains("UPGRADE NOT COMPLETE: the smoke eval did not pass")
                .contains("to roll back: " + host.opt().resolve("releases/1.1.0/rollback.sh") + " --to 1.0.0")
                .contains(
                        "--restore-backup " + host.root.resolve("var/lib/palisade/backups/pre-upgrade-1.0.0-to-1.1.0"));
        assertThat(host.linked("current")).isEqualTo("1.1.0");
    }

    @Test
    void autoRollbackGoesBackWhenTheNewReleaseNeverBecomesReady() throws Exception {
        Path release = host.recorderRelease("1.1.0", HostRoot.Answers.passing());
        host.neverReady.add("1.1.0");

        HostRoot.Run run = host.run(release, "upgrade.sh", "--auto-rollback", "--url", host.url(), "--attempts", "2");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output())
                .contains("not ready after 2 attempts")
                .contains("rolling back to 1.0.0")
                .contains("rolled back to 1.0.0");
        assertThat(host.linked("current")).isEqualTo("1.0.0");
        assertThat(host.linked("previous")).isEqualTo("1.1.0");
        assertThat(host.binaryCalls()).noneMatch(call -> call.contains("eval smoke"));
    }

    @Test
    void autoRollbackRestoresTheBackupWhenTheOldReleaseCannotReadTheMigratedStore() throws Exception {
        host.close();
        host = new HostRoot(dir.resolve("second"));
        assertThat(host.run(
                                host.recorderRelease(
                                        "1.0.0", HostRoot.Answers.passing().withSchema(4)),
                                "install.sh")
                        .exit())
                .isZero();
        host.forgetCalls();
        Path release = host.recorderRelease("1.1.0", HostRoot.Answers.passing().withSmoke(1));

        HostRoot.Run run = host.run(release, "upgrade.sh", "--auto-rollback", "--url", host.url(), "--attempts", "5");

        Path backup = host.root.resolve("var/lib/palisade/backups/pre-upgrade-1.0.0-to-1.1.0");
        assertThat(run.output()).contains("rolled back to 1.0.0");
        assertThat(host.binaryCalls()).contains("1.0.0 restore --config " + config() + " --input " + backup);
        assertThat(host.linked("current")).isEqualTo("1.0.0");
    }

    @Test
    void atMostKeepReleasesStayAndNeverTheCurrentOrPreviousOne() throws Exception {
        for (String version : new String[] {"1.1.0", "1.2.0", "1.3.0"}) {
            HostRoot.Run run = host.run(
                    host.recorderRelease(version, HostRoot.Answers.passing()),
                    "upgrade.sh",
                    "--skip-backup",
                    "--skip-smoke",
                    "--url",
                    host.url(),
                    "--attempts",
                    "5",
                    "--keep",
                    "2");
            assertThat(run.exit()).as(run.output()).isZero();
        }
        try (var releases = Files.list(host.opt().resolve("releases"))) {
            assertThat(releases.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("1.2.0", "1.3.0");
        }
        assertThat(host.linked("previous")).isEqualTo("1.2.0");
    }

    @Test
    void aTamperedNewReleaseIsRefusedBeforeAnything() throws Exception {
        Path release = host.recorderRelease("1.1.0", HostRoot.Answers.passing());
        Files.writeString(release.resolve("upgrade.sh"), "\n# tampered", java.nio.file.StandardOpenOption.APPEND);

        HostRoot.Run run = host.run(release, "upgrade.sh", "--url", host.url(), "--attempts", "5");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("checksum mismatch");
        assertThat(host.binaryCalls()).isEmpty();
        assertThat(host.linked("current")).isEqualTo("1.0.0");
    }
}
