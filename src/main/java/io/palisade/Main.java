package io.palisade;

import io.palisade.cli.PalisadeCommand;

/** Entry point of the one runnable jar: every verb is a picocli subcommand. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(PalisadeCommand.commandLine().execute(args));
    }
}
