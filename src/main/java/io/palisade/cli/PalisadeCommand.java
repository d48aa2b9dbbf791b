package io.palisade.cli;

import io.palisade.config.ConfigException;
import io.palisade.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level command; its subcommands are the verbs documented in the README. */
@Command(name = "palisade", mixinStandardHelpOptions = true, version = "palisade 0.1.0",
        description = "On-prem LLM gateway: one governed, audited, OpenAI-compatible door to your model servers.",
        subcommands = {ServeCommand.class, SimulateCommand.class, ConfigCommand.class, AdminCommand.class, AuditCommand.class,
                UsageCommand.class, StatusCommand.class, EvalCommand.class, ModelsCommand.class})
public final class PalisadeCommand implements Runnable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with Palisade's error handling: operator mistakes print one clear line, exit 2. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new PalisadeCommand());
        commandLine.setExecutionExceptionHandler((e, line, parseResult) -> {
            if (e instanceof ConfigException || e instanceof StoreException || e instanceof CliException) {
                line.getErr().println("palisade: " + e.getMessage());
                return e instanceof CliException cli ? cli.exitCode() : EXIT_USAGE;
            }
            throw e;
        });
        return commandLine;
    }
}
