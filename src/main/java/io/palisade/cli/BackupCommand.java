package io.palisade.cli;

import io.palisade.audit.CheckpointKey;
import io.palisade.backup.BackupException;
import io.palisade.backup.BackupManifest;
import io.palisade.backup.ChainCheck;
import io.palisade.backup.StoreBackup;
import io.palisade.build.BuildInfo;
import io.palisade.config.PalisadeConfig;
import io.palisade.store.Database;
import io.palisade.store.PrivateFiles;
import io.palisade.store.StoreUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code palisade backup --output PATH}: a consistent backup of the SQLite store, also while a
 * Palisade serves it; {@code backup manifest} and {@code backup verify} give a PostgreSQL store
 * (backed up with pg_dump) the same chain verification (docs/backup.md).
 */
@Command(
        name = "backup",
        description = "Back up the SQLite store while it serves: one archive with the database, its audit"
                + " checkpoints and a manifest (schema, verified audit chain head, SHA-256). See docs/backup.md.",
        subcommands = {BackupCommand.Manifest.class, BackupCommand.Verify.class})
final class BackupCommand implements Callable<Integer> {
    @Mixin
    StoreOption store;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "PATH",
            description = "The backup file to write (replaced atomically; 0600), e.g. palisade-backup.zip.")
    Path output;

    @Override
    public Integer call() {
        if (output == null) {
            throw new CliException("say where to write the backup: --output PATH", PalisadeCommand.EXIT_USAGE);
        }
        PalisadeConfig config = store.config.load();
        StoreUrl url = store.url(config);
        StoreBackup.Outcome outcome;
        try {
            outcome = new StoreBackup(
                            url,
                            config.audit().checkpoints().fileFor(store.text(config)),
                            CheckpointKey.of(config.audit().checkpoints().key()),
                            palisadeVersion(),
                            Clock.systemUTC())
                    .writeTo(output);
        } catch (BackupException e) {
            throw new CliException(e.getMessage(), PalisadeCommand.EXIT_FAILURE);
        }
        BackupManifest manifest = outcome.manifest();
        System.out.println("backup written to " + output + ": schema " + manifest.schemaVersion() + ", "
                + manifest.audit().records() + " audit rows up to record "
                + manifest.audit().lastSeq()
                + " (head " + manifest.audit().headHash() + "), database sha256 "
                + manifest.database().sha256() + "; snapshot took " + manifest.snapshotMillis() + " ms");
        if (!manifest.audit().intact()) {
            throw new CliException(
                    "the backup was written, but its audit chain does not verify (record "
                            + outcome.verified().result().firstBrokenSeq() + ": "
                            + outcome.verified().result().problem()
                            + "): restore will refuse it; run 'palisade audit verify' on the store",
                    PalisadeCommand.EXIT_FAILURE);
        }
        return 0;
    }

    /** The release's version and commit, recorded in a backup's manifest (informative: the schema decides). */
    static String palisadeVersion() {
        BuildInfo build = BuildInfo.current();
        return build.version() + " (" + build.commit() + ")";
    }

    /** The store to work on: --store, else the config's store.url. */
    static final class StoreOption {
        @Mixin
        ConfigOption config;

        @Option(
                names = "--store",
                description =
                        "Store URL, e.g. sqlite:./data/palisade.db or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
                                + " (default: the config's store.url).")
        String store;

        /** The URL as given, with its password: for opening the store only, never for output. */
        String text(PalisadeConfig loaded) {
            return store != null ? store : loaded.storeUrl();
        }

        StoreUrl url(PalisadeConfig loaded) {
            try {
                return StoreUrl.parse(text(loaded));
            } catch (IllegalArgumentException e) {
                throw new CliException("store URL: " + e.getMessage(), PalisadeCommand.EXIT_USAGE);
            }
        }
    }

    @Command(
            name = "manifest",
            description =
                    "Verify the store's audit chain and write a backup manifest of it (schema, head, records,"
                            + " checkpoints) without copying data: take it just before pg_dump. Exit 1 if the chain does not verify.")
    static final class Manifest implements Callable<Integer> {
        @Mixin
        StoreOption store;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                description = "Write the manifest to FILE (0600) instead of standard output.")
        Path output;

        @Override
        public Integer call() throws IOException {
            PalisadeConfig config = store.config.load();
            StoreUrl url = store.url(config);
            BackupManifest manifest;
            ChainCheck.Verified verified;
            try (Database database = Database.openAsIs(store.text(config))) {
                verified = ChainCheck.verify(
                        database,
                        List.of(config.audit().checkpoints().fileFor(store.text(config))),
                        CheckpointKey.of(config.audit().checkpoints().key()));
                manifest = new BackupManifest(
                        palisadeVersion(),
                        Clock.systemUTC().instant(),
                        url.kind(),
                        database.schema().applied(),
                        verified.head(),
                        null,
                        verified.anchors(),
                        0);
            }
            if (output == null) {
                System.out.print(manifest.toJson());
            } else {
                PrivateFiles.write(output, manifest.toJson());
                System.out.println("manifest written to " + output + ": "
                        + manifest.audit().records() + " audit rows up to record "
                        + manifest.audit().lastSeq());
            }
            if (!manifest.audit().intact()) {
                System.err.println("palisade: the audit chain does not verify (record "
                        + verified.result().firstBrokenSeq() + ": "
                        + verified.result().problem() + ")");
                return PalisadeCommand.EXIT_FAILURE;
            }
            return 0;
        }
    }

    @Command(
            name = "verify",
            description =
                    "Check a store restored from a backup (e.g. pg_restore of a pg_dump) against the manifest"
                            + " taken with it: the audit chain verifies and still holds the manifest's head record. Exit 1 if not.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        StoreOption store;

        @Option(
                names = "--manifest",
                required = true,
                paramLabel = "FILE",
                description = "The manifest written by 'palisade backup manifest' (or a backup's manifest.json).")
        Path manifest;

        @Option(
                names = "--checkpoints",
                paramLabel = "FILE",
                description = "Checkpoint files to check the chain against (default: the config's, for this store);"
                        + " name the original store's file when the restored copy has another name.")
        List<Path> checkpoints = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            PalisadeConfig config = store.config.load();
            StoreUrl url = store.url(config);
            if (!Files.isRegularFile(manifest)) {
                throw new CliException("no manifest at " + manifest, PalisadeCommand.EXIT_USAGE);
            }
            BackupManifest expected;
            try {
                expected = BackupManifest.parse(Files.readString(manifest));
            } catch (BackupException e) {
                throw new CliException(e.getMessage(), PalisadeCommand.EXIT_FAILURE);
            }
            List<Path> files = checkpoints.isEmpty()
                    ? List.of(config.audit().checkpoints().fileFor(store.text(config)))
                    : checkpoints;
            List<String> problems;
            try (Database database = Database.openAsIs(store.text(config))) {
                problems = ChainCheck.against(
                        database,
                        expected,
                        files,
                        CheckpointKey.of(config.audit().checkpoints().key()));
            }
            if (expected.storeKind() != url.kind()) {
                problems = new ArrayList<>(problems);
                problems.addFirst(
                        "the manifest is of a " + expected.storeKind().name().toLowerCase(Locale.ROOT)
                                + " store, this one is " + url.kind().name().toLowerCase(Locale.ROOT));
            }
            if (problems.isEmpty()) {
                System.out.println("the store matches the manifest: its audit chain verifies and holds record "
                        + expected.audit().lastSeq() + " with hash "
                        + expected.audit().headHash());
                return 0;
            }
            for (String problem : problems) {
                System.out.println("MISMATCH: " + problem);
            }
            return PalisadeCommand.EXIT_FAILURE;
        }
    }
}
