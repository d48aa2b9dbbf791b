package io.palisade.cli;

import picocli.CommandLine.Command;

/** {@code palisade models …}: the model lifecycle, worked directly from the config file and the backends. */
@Command(name = "models", description = "Check and lock what the model servers serve.",
        subcommands = {ModelsVerifyCommand.class, ModelsLockCommand.class})
final class ModelsCommand implements Runnable {
    @Override
    public void run() {
        throw new CliException("say what to do: palisade models verify|lock", PalisadeCommand.EXIT_USAGE);
    }

    /** Long hex digests shortened to 12 digits for tables, as {@code ollama list} shows them; --json keeps them whole. */
    static String abbreviated(String value) {
        if (value == null) {
            return null;
        }
        return value.length() > 16 && value.matches("[0-9a-f]+") ? value.substring(0, 12) : value;
    }
}
