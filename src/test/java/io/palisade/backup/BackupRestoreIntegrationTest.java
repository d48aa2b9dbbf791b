package io.palisade.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.TestGateway;
import io.palisade.audit.AuditStore;
import io.palisade.audit.AuditVerifier;
import io.palisade.cli.CliRun;
import io.palisade.store.Database;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, backup and restore (docs/backup.md): a backup taken from a real gateway while it serves,
 * restored elsewhere to exactly its manifest's chain head; and every kind of bad backup, or a store
 * still served, refused with the live store left as it was.
 */
@Timeout(180)
class BackupRestoreIntegrationTest {
    private static final String CHAT =
            "{\"model\":\"llama3.2:1b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    @Test
    void aBackupTakenWhileServingRestoresElsewhereToTheManifestsHead() throws Exception {
        Path served = dir.resolve("served");
        Path backup = dir.resolve("backups/palisade-backup.zip");
        Path restored = dir.resolve("restored/palisade.db");
        List<Integer> statuses = new ArrayList<>();
        try (TestGateway gateway = TestGateway.start(served)) {
            String key = gateway.userWithKey("dora@example.com", List.of("llama3.2:1b"), 100_000);
            AtomicBoolean backingUp = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<List<Integer>>> load = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // Each client sends at least 5 requests, and keeps sending until the backup is done.
                load.add(clients.submit(() -> {
                    List<Integer> mine = new ArrayList<>();
                    while (mine.size() < 5 || backingUp.get()) {
                        mine.add(gateway.post("/v1/chat/completions", key, CHAT).statusCode());
                    }
                    return mine;
                }));
            }
            gateway.awaitApiRecords(8);
            CliRun run = CliRun.of(
                    "backup", "--config", config(served.resolve("palisade.db")), "--output", backup.toString());
            backingUp.set(false);
            for (Future<List<Integer>> client : load) {
                statuses.addAll(client.get());
            }
            clients.shutdown();
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("backup written to");
        }
        assertThat(statuses).isNotEmpty().allMatch(status -> status == 200);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)))
                .isEqualTo("rw-------");
        JsonNode manifest = BackupFiles.read(backup).manifest();
        assertThat(manifest.path("format").asText()).isEqualTo("palisade-backup-1");
        assertThat(manifest.path("store").path("kind").asText()).isEqualTo("sqlite");
        assertThat(manifest.path("store").path("schema_version").asText()).isNotBlank();
        assertThat(manifest.path("audit").path("intact").asBoolean()).isTrue();
        long records = manifest.path("audit").path("records").asLong();
        assertThat(records).isGreaterThanOrEqualTo(8);

        CliRun restore = CliRun.of("restore", "--config", config(restored), "--input", backup.toString());
        assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restored)))
                .isEqualTo("rw-------");
        try (Database database = Database.openExisting("sqlite:" + restored)) {
            AuditStore store = new AuditStore(database);
            AuditVerifier.Result result = new AuditVerifier(store).verify();
            assertThat(result.intact()).as(result.problem()).isTrue();
            assertThat(result.records()).isEqualTo(records);
            assertThat(result.headHash())
                    .isEqualTo(manifest.path("audit").path("head_hash").asText());
            assertThat(store.lastSeq())
                    .isEqualTo(manifest.path("audit").path("last_seq").asLong());
        }
        CliRun verify = CliRun.of("audit", "verify", "--store", "sqlite:" + restored);
        assertThat(verify.exit()).as(verify.out()).isZero();
        try (Stream<Path> left = Files.list(restored.getParent())) {
            assertThat(left.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith("."));
        }
    }

    @Test
    void aCorruptedOrTamperedBackupIsRefusedAndTheStoreIsLeftAsItWas() throws Exception {
        Path backup = backupOfAStoppedGateway(dir.resolve("source"));
        Path target = dir.resolve("target/palisade.db");
        try (TestGateway gateway = TestGateway.start(target.getParent())) {
            gateway.userWithKey("other@example.com", List.of("llama3.2:1b"));
        }
        String before = BackupFiles.sha256(target);
        String configFile = config(target);

        Path flipped = dir.resolve("flipped.zip");
        BackupFiles flip = BackupFiles.read(backup);
        byte[] database = flip.entries.get("palisade.db");
        database[database.length / 2] ^= 0x01;
        flip.write(flipped);
        assertRefused(configFile, flipped, "does not match its manifest", target, before);

        Path edited = dir.resolve("edited.zip");
        BackupFiles edit = BackupFiles.read(backup);
        edit.manifest(manifest -> ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.path("audit"))
                .put("last_seq", manifest.path("audit").path("last_seq").asLong() - 1));
        edit.write(edited);
        assertRefused(configFile, edited, "the backup was altered", target, before);

        Path truncated = dir.resolve("truncated.zip");
        byte[] whole = Files.readAllBytes(backup);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertRefused(configFile, truncated, "truncated", target, before);

        Path notABackup = dir.resolve("not-a-backup.zip");
        Files.writeString(notABackup, "hello");
        assertRefused(configFile, notABackup, "is not a Palisade backup", target, before);

        Path tampered = dir.resolve("tampered.zip");
        BackupFiles tamper = BackupFiles.read(backup);
        tamper.replaceDatabase(
                editDatabase(
                        tamper.entries.get("palisade.db"),
                        "UPDATE audit_events SET personal = replace(personal, 'carol@example.com', 'mallory@example.com')"
                                + " WHERE seq = (SELECT MIN(seq) FROM audit_events WHERE personal LIKE '%carol@example.com%')"));
        tamper.write(tampered);
        assertRefused(configFile, tampered, "audit chain does not verify", target, before);

        Path newer = dir.resolve("newer.zip");
        BackupFiles future = BackupFiles.read(backup);
        future.replaceDatabase(editDatabase(
                future.entries.get("palisade.db"),
                "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                        + " installed_by, installed_on, execution_time, success) VALUES (99, '99', 'from the future',"
                        + " 'SQL', 'V99__future.sql', 0, 'test', CURRENT_TIMESTAMP, 1, 1)"));
        future.manifest(manifest ->
                ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.path("store")).put("schema_version", "99"));
        future.write(newer);
        assertRefused(configFile, newer, "newer than this release", target, before);

        // The same backup, untouched, is accepted over that store, which is kept aside.
        CliRun restore = CliRun.of("restore", "--config", configFile, "--input", backup.toString());
        assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
        try (Stream<Path> files = Files.list(target.getParent())) {
            Path aside = files.filter(path -> path.getFileName().toString().startsWith("palisade.db.before-restore-")
                            && !path.getFileName().toString().endsWith("-wal")
                            && !path.getFileName().toString().endsWith("-shm"))
                    .findFirst()
                    .orElseThrow();
            assertThat(restore.out()).contains("the replaced store is kept at " + aside);
            assertThat(BackupFiles.sha256(aside)).isEqualTo(before);
        }
        JsonNode manifest = BackupFiles.read(backup).manifest();
        // The stopped gateway's last checkpoint anchors the whole chain; the restored store gets that file back.
        assertThat(manifest.path("checkpoints").path("anchored_seq").asLong())
                .isEqualTo(manifest.path("audit").path("last_seq").asLong());
        assertThat(Files.readAllBytes(target.resolveSibling("palisade.audit-checkpoints.jsonl")))
                .isEqualTo(BackupFiles.read(backup).entries.get("audit-checkpoints.jsonl"));
        CliRun verify = CliRun.of("audit", "verify", "--store", "sqlite:" + target);
        assertThat(verify.exit()).as(verify.out()).isZero();
        assertThat(verify.out())
                .contains("anchored up to record "
                        + manifest.path("audit").path("last_seq").asLong());
        try (Database restored = Database.openExisting("sqlite:" + target)) {
            AuditVerifier.Result result = new AuditVerifier(new AuditStore(restored)).verify();
            assertThat(result.intact()).as(result.problem()).isTrue();
            assertThat(result.headHash())
                    .isEqualTo(manifest.path("audit").path("head_hash").asText());
        }
    }

    @Test
    void aStoreThatAPalisadeServesIsNotRestoredOver() throws Exception {
        Path backup = backupOfAStoppedGateway(dir.resolve("source"));
        Path live = dir.resolve("live/palisade.db");
        try (TestGateway gateway = TestGateway.start(live.getParent())) {
            String before = BackupFiles.sha256(live);
            CliRun refused = CliRun.of("restore", "--config", config(live), "--input", backup.toString());
            assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
            assertThat(refused.err())
                    .contains("restore refused: a Palisade serves the store")
                    .contains("--force");
            assertThat(BackupFiles.sha256(live)).isEqualTo(before);
            assertThat(gateway.get("/health/ready", null).statusCode()).isEqualTo(200);
        }
    }

    /** A killed process stops beating: 30 s after its last heartbeat it no longer holds the store. */
    @Test
    void aStoreWhoseLastProcessStoppedBeatingCanBeRestoredOver() throws Exception {
        Path backup = backupOfAStoppedGateway(dir.resolve("source"));
        Path live = dir.resolve("live/palisade.db");
        try (TestGateway gateway = TestGateway.start(live.getParent())) {
            gateway.userWithKey("frank@example.com", List.of("llama3.2:1b"));
        }
        long now = System.currentTimeMillis();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + live);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(
                    "INSERT INTO palisade_instances (id, started_millis, heartbeat_millis, watermark_seq)"
                            + " VALUES ('killed', " + (now - 120_000) + ", " + (now - 31_000) + ", 0)");
        }
        CliRun restore = CliRun.of("restore", "--config", config(live), "--input", backup.toString());
        assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
    }

    @Test
    void aBackupOfABrokenChainIsWrittenButFailsAndIsNotRestored() throws Exception {
        Path folder = dir.resolve("broken");
        try (TestGateway gateway = TestGateway.start(folder)) {
            String key = gateway.userWithKey("gina@example.com", List.of("llama3.2:1b"));
            assertThat(gateway.post("/v1/chat/completions", key, CHAT).statusCode())
                    .isEqualTo(200);
            gateway.awaitApiRecords(1);
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("palisade.db"));
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE audit_events SET personal = replace(personal, 'gina@', 'ivan@')"
                    + " WHERE seq = (SELECT MIN(seq) FROM audit_events WHERE personal LIKE '%gina@%')");
        }
        Path backup = dir.resolve("broken.zip");
        CliRun run =
                CliRun.of("backup", "--config", config(folder.resolve("palisade.db")), "--output", backup.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("the backup was written, but its audit chain does not verify");
        assertThat(BackupFiles.read(backup)
                        .manifest()
                        .path("audit")
                        .path("intact")
                        .asBoolean())
                .isFalse();
        Path target = dir.resolve("target/palisade.db");
        CliRun restore = CliRun.of("restore", "--config", config(target), "--input", backup.toString());
        assertThat(restore.exit()).isEqualTo(1);
        assertThat(restore.err()).contains("audit chain does not verify");
        assertThat(target).doesNotExist();

        CliRun noOutput = CliRun.of("backup", "--config", config(folder.resolve("palisade.db")));
        assertThat(noOutput.exit()).isEqualTo(2);
        assertThat(noOutput.err()).contains("--output");
        CliRun noStore = CliRun.of(
                "backup", "--config", config(dir.resolve("nothing/palisade.db")), "--output", backup.toString());
        assertThat(noStore.exit()).isEqualTo(1);
        assertThat(noStore.err()).contains("no store at");
    }

    /** A backup of a store with carol's requests in its audit, taken after the gateway stopped. */
    private Path backupOfAStoppedGateway(Path folder) throws IOException {
        try (TestGateway gateway = TestGateway.start(folder)) {
            String key = gateway.userWithKey("carol@example.com", List.of("llama3.2:1b"));
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = gateway.post("/v1/chat/completions", key, CHAT);
                assertThat(response.statusCode()).isEqualTo(200);
            }
            gateway.awaitApiRecords(3);
        }
        Path backup = dir.resolve("backup-of-" + folder.getFileName() + ".zip");
        CliRun run =
                CliRun.of("backup", "--config", config(folder.resolve("palisade.db")), "--output", backup.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        return backup;
    }

    private void assertRefused(String configFile, Path backup, String why, Path target, String sha256Before)
            throws IOException {
        CliRun run = CliRun.of("restore", "--config", configFile, "--input", backup.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).startsWith("palisade: restore refused: ").contains(why);
        assertThat(BackupFiles.sha256(target)).isEqualTo(sha256Before);
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .noneMatch(name -> name.startsWith(".") || name.contains("before-restore"));
        }
    }

    private byte[] editDatabase(byte[] database, String sql) throws Exception {
        Path file = Files.createTempFile(dir, "edit-", ".db");
        Files.write(file, database);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate(sql)).isEqualTo(1);
        }
        return Files.readAllBytes(file);
    }

    private String config(Path store) throws IOException {
        Path file = Files.createTempFile(dir, "palisade-", ".yaml");
        Files.writeString(file, "store: {url: \"sqlite:" + store + "\"}\n");
        return file.toString();
    }
}
