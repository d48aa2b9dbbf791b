package io.palisade.cli;

import io.palisade.config.ConfigException;
import io.palisade.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level command; its subcommands are the verbs documented in the README. Its attributes are
 * inherited ({@code scope = INHERIT}), so every subcommand, at any depth, takes {@code --help} and
 * {@code --version}.
 */
@Command(
        name = "palisade",
        mixinStandardHelpOptions = true,
        versionProvider = BuildVersion.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "On-prem LLM gateway: one governed, audited, OpenAI-compatible door to your model servers.",
        subcommands = {
            ServeCommand.class,
            SimulateCommand.class,
            ConfigCommand.class,
            AdminCommand.class,
            AuditCommand.class,
            BackupCommand.class,
            RestoreCommand.class,
            UsageCommand.class,
            StatusCommand.class,
            EvalCommand.class,
            ModelsCommand.class,
            StoreCommand.class,
            HealthCommand.class,
            CommandLine.HelpCommand.class,
            CompletionCommand.class
        })
public final class PalisadeCommand implements Runnable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The command line with Palisade's error handling: every failure is one line on standard error,
     * never a stack trace. Operator mistakes (config, store, usage) exit 2, a {@link CliException} its
     * own code, anything unexpected 1 with the exception's type and message.
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new PalisadeCommand());
        commandLine.setExecutionExceptionHandler((e, line, parseResult) -> {
            if (e instanceof ConfigException || e instanceof StoreException || e instanceof CliException) {
                line.getErr().println("palisade: " + e.getMessage());
                return e instanceof CliException cli ? cli.exitCode() : EXIT_USAGE;
            }
            line.getErr()
                    .println("palisade: " + line.getCommandName() + " failed: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null
                                    ? ""
                                    : ": " + e.getMessage().lines().findFirst().orElse("")));
            return EXIT_FAILURE;
        });
        return commandLine;
    }
}
