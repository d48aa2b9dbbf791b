package io.palisade.cli;

import io.palisade.audit.CheckpointKey;
import io.palisade.backup.BackupException;
import io.palisade.backup.BackupManifest;
import io.palisade.backup.StoreRestore;
import io.palisade.config.PalisadeConfig;
import io.palisade.store.StoreUrl;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code palisade restore --input PATH [--force]}: puts a backup in place of the SQLite store, once it checks out. */
@Command(
        name = "restore",
        description = "Restore the SQLite store from a backup made by 'palisade backup'. Refuses a backup whose"
                + " checksum, schema or audit chain does not check out, and a store a running Palisade serves"
                + " (unless --force); keeps the replaced store as NAME.before-restore-TIME. See docs/backup.md.")
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    BackupCommand.StoreOption store;

    @Option(
            names = {"-i", "--input"},
            required = true,
            paramLabel = "PATH",
            description = "The backup file written by 'palisade backup'.")
    Path input;

    @Option(
            names = "--force",
            description = "Restore even though a Palisade seems to serve the store (or that cannot be told)."
                    + " Only when you know it is stopped: a running one would write into the replaced files.")
    boolean force;

    @Override
    public Integer call() {
        PalisadeConfig config = store.config.load();
        StoreUrl url = store.url(config);
        StoreRestore.Outcome outcome;
        try {
            outcome = new StoreRestore(
                            url,
                            config.audit().checkpoints().fileFor(store.text(config)),
                            CheckpointKey.of(config.audit().checkpoints().key()),
                            Clock.systemUTC())
                    .restore(input, force);
        } catch (BackupException e) {
            throw new CliException("restore refused: " + e.getMessage(), PalisadeCommand.EXIT_FAILURE);
        }
        BackupManifest manifest = outcome.manifest();
        System.out.println("restored " + url.file() + " from " + input + " (taken " + manifest.createdAt()
                + " by Palisade " + manifest.palisadeVersion() + "): audit chain verified, "
                + manifest.audit().records() + " rows up to record "
                + manifest.audit().lastSeq() + " (head "
                + manifest.audit().headHash() + ")");
        if (outcome.replacedStore() != null) {
            System.out.println("the replaced store is kept at " + outcome.replacedStore());
        }
        if (outcome.replacedCheckpoints() != null) {
            System.out.println("the replaced checkpoint file is kept at " + outcome.replacedCheckpoints());
        }
        return 0;
    }
}
