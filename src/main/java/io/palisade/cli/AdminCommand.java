package io.palisade.cli;

import picocli.CommandLine.Command;

/** {@code palisade admin …}: the admin API from the command line, against a running server. */
@Command(
        name = "admin",
        description = "Administer a running Palisade (users, teams, keys, models, backends).",
        subcommands = {
            UsersCommand.class,
            TeamsCommand.class,
            KeysCommand.class,
            LimitsCommand.class,
            AdminCommand.Models.class,
            AdminCommand.Backends.class
        })
final class AdminCommand implements Runnable {
    @Override
    public void run() {
        throw new CliException(
                "say what to administer: users, teams, keys, models or backends", PalisadeCommand.EXIT_USAGE);
    }

    @Command(name = "models", description = "List the public models and where they are served.")
    static final class Models implements Runnable {
        @picocli.CommandLine.Mixin
        ServerOptions server;

        @Override
        public void run() {
            TablePrinter.print(
                    server.client().get("/admin/models", java.util.Map.of()),
                    server.json,
                    System.out,
                    "name",
                    "backend",
                    "upstream_model",
                    "source",
                    "backend_reachable");
        }
    }

    @Command(name = "backends", description = "Probe every backend now and show whether it answers.")
    static final class Backends implements Runnable {
        @picocli.CommandLine.Mixin
        ServerOptions server;

        @Override
        public void run() {
            TablePrinter.print(
                    server.client().get("/admin/backends", java.util.Map.of()),
                    server.json,
                    System.out,
                    "name",
                    "kind",
                    "url",
                    "reachable",
                    "models",
                    "probe_ms",
                    "error");
        }
    }
}
