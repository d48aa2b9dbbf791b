package io.palisade.cli;

import picocli.CommandLine.Command;

/**
 * {@code palisade models …}: the model lifecycle. {@code verify} and {@code lock} work directly
 * from the config file and the backends; the others go through a running gateway's admin API.
 */
@Command(
        name = "models",
        description = "Model lifecycle: status, promote, rollback, resume, reload, verify, lock.",
        subcommands = {
            CanaryCommands.Status.class,
            CanaryCommands.Promote.class,
            CanaryCommands.Rollback.class,
            CanaryCommands.Resume.class,
            CanaryCommands.Reload.class,
            ModelsVerifyCommand.class,
            ModelsLockCommand.class
        })
final class ModelsCommand implements Runnable {
    @Override
    public void run() {
        throw new CliException(
                "say what to do: status, promote, rollback, resume, reload, verify or lock",
                PalisadeCommand.EXIT_USAGE);
    }

    /** Long hex digests shortened to 12 digits for tables, as {@code ollama list} shows them; --json keeps them whole. */
    static String abbreviated(String value) {
        if (value == null) {
            return null;
        }
        return value.length() > 16 && value.matches("[0-9a-f]+") ? value.substring(0, 12) : value;
    }
}
