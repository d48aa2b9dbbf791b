package io.palisade.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code palisade admin teams …}. */
@Command(
        name = "teams",
        description = "Manage teams and their model grants.",
        subcommands = {
            TeamsCommand.ListTeams.class,
            TeamsCommand.Create.class,
            TeamsCommand.SetModels.class,
            TeamsCommand.Delete.class
        })
final class TeamsCommand implements Runnable {
    static final String[] COLUMNS = {"id", "name", "allowed_models"};

    @Override
    public void run() {
        throw new CliException("say what to do: list, create, set-models or delete", PalisadeCommand.EXIT_USAGE);
    }

    @Command(name = "list", description = "List teams.")
    static final class ListTeams implements Runnable {
        @Mixin
        ServerOptions server;

        @Override
        public void run() {
            TablePrinter.print(server.client().get("/admin/teams", Map.of()), server.json, System.out, COLUMNS);
        }
    }

    @Command(name = "create", description = "Create a team.")
    static final class Create implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Team name.")
        String name;

        @Option(
                names = "--models",
                split = ",",
                description = "Models every key of the team may use (names or patterns such as 'llama*').")
        List<String> models = List.of();

        @Override
        public void run() {
            TablePrinter.print(
                    server.client().post("/admin/teams", Map.of("name", name, "allowed_models", models)),
                    server.json,
                    System.out,
                    COLUMNS);
        }
    }

    @Command(name = "set-models", description = "Replace a team's model grant.")
    static final class SetModels implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Team name.")
        String name;

        @Option(
                names = "--models",
                split = ",",
                required = true,
                description = "Models (names or patterns); empty string for none.")
        List<String> models;

        @Override
        public void run() {
            List<String> grant = models.stream().filter(m -> !m.isBlank()).toList();
            TablePrinter.print(
                    server.client()
                            .put(
                                    "/admin/teams/" + AdminClient.segment(name) + "/models",
                                    Map.of("allowed_models", grant)),
                    server.json,
                    System.out,
                    COLUMNS);
        }
    }

    @Command(name = "delete", description = "Delete a team that has no members and no active keys.")
    static final class Delete implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Team name.")
        String name;

        @Override
        public void run() {
            server.client().delete("/admin/teams/" + AdminClient.segment(name), Map.of());
            System.out.println("deleted team " + name);
        }
    }
}
