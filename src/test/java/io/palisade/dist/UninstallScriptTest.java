package io.palisade.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dist/host/uninstall.sh: data stays unless --purge, and --purge demands a written audit export first. */
class UninstallScriptTest {
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

    private Path installed(HostRoot.Answers answers) throws Exception {
        HostRoot.Run install = host.run(host.recorderRelease("1.0.0", answers), "install.sh");
        assertThat(install.exit()).as(install.output()).isZero();
        Files.writeString(host.root.resolve("var/lib/palisade/palisade.db"), "the store");
        host.forgetCalls();
        return host.opt().resolve("current");
    }

    @Test
    void uninstallRemovesTheReleasesAndTheUnitButKeepsConfigAndData() throws Exception {
        Path current = installed(HostRoot.Answers.passing());

        HostRoot.Run run = host.run(current, "uninstall.sh");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(host.opt()).doesNotExist();
        assertThat(host.root.resolve("etc/systemd/system/palisade.service")).doesNotExist();
        assertThat(host.config()).exists();
        assertThat(host.root.resolve("var/lib/palisade/palisade.db")).hasContent("the store");
        assertThat(host.systemctlCalls()).containsExactly("disable --now palisade.service", "daemon-reload");
    }

    @Test
    void purgeWithoutAnAuditExportIsRefusedAndChangesNothing() throws Exception {
        Path current = installed(HostRoot.Answers.passing());

        HostRoot.Run run = host.run(current, "uninstall.sh", "--purge");

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("REFUSED").contains("--audit-export");
        assertThat(host.opt().resolve("releases/1.0.0")).isDirectory();
        assertThat(host.root.resolve("var/lib/palisade/palisade.db")).exists();
        assertThat(host.systemctlCalls()).isEmpty();
    }

    @Test
    void purgeWritesTheAuditExportThenDeletesEverything() throws Exception {
        Path current = installed(HostRoot.Answers.passing());
        Path export = dir.resolve("audit-before-purge.jsonl");

        HostRoot.Run run = host.run(current, "uninstall.sh", "--purge", "--audit-export", export.toString());

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(host.binaryCalls())
                .containsExactly("1.0.0 audit export --config " + host.config() + " --format jsonl --output " + export);
        assertThat(Files.readAllLines(export)).hasSize(2);
        assertThat(host.opt()).doesNotExist();
        assertThat(host.root.resolve("etc/palisade")).doesNotExist();
        assertThat(host.root.resolve("var/lib/palisade")).doesNotExist();
    }

    @Test
    void purgeRefusesAGarbledExportAndDeletesNothing() throws Exception {
        Path current = installed(HostRoot.Answers.passing().withAuditExport("{\"request_id\":\"req_1\"}\nnot json\n"));
        Path export = dir.resolve("audit.jsonl");

        HostRoot.Run run = host.run(current, "uninstall.sh", "--purge", "--audit-export", export.toString());

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("REFUSED").contains("not a JSON Lines export");
        assertThat(host.opt().resolve("releases/1.0.0")).isDirectory();
        assertThat(host.root.resolve("var/lib/palisade/palisade.db")).exists();
    }

    @Test
    void purgeRefusesAnExportPathInsideWhatItDeletes() throws Exception {
        Path current = installed(HostRoot.Answers.passing());
        Path export = host.root.resolve("var/lib/palisade/audit.jsonl");

        HostRoot.Run run = host.run(current, "uninstall.sh", "--purge", "--audit-export", export.toString());

        assertThat(run.exit()).isNotZero();
        assertThat(run.output()).contains("REFUSED").contains("which --purge deletes");
        assertThat(export).doesNotExist();
        assertThat(host.binaryCalls()).isEmpty();
    }
}
