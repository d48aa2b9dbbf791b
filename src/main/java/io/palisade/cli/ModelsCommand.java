package io.palisade.cli;

import picocli.CommandLine.Command;

/** {@code palisade models …}: deployments, canaries and the config that routes them. */
@Command(name = "models", description = "Model lifecycle: status, promote, rollback, resume, reload.",
        subcommands = {CanaryCommands.Status.class, CanaryCommands.Promote.class, CanaryCommands.Rollback.class,
                CanaryCommands.Resume.class, CanaryCommands.Reload.class})
final class ModelsCommand implements Runnable {
    @Override
    public void run() {
        throw new CliException("say what to do: status, promote, rollback, resume or reload", PalisadeCommand.EXIT_USAGE);
    }
}
