package io.palisade.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code palisade admin limits show|set key|user|team ID [JSON]}. */
@Command(
        name = "limits",
        description = "Show or set the limits of a key, user or team (JSON, see docs/admission.md).",
        subcommands = {LimitsCommand.Show.class, LimitsCommand.Set.class})
final class LimitsCommand implements Runnable {
    @Override
    public void run() {
        throw new CliException("say what to do: show or set", PalisadeCommand.EXIT_USAGE);
    }

    static String collection(String scope) {
        return switch (scope) {
            case "key" -> "keys";
            case "user" -> "users";
            case "team" -> "teams";
            default ->
                throw new CliException(
                        "the scope must be key, user or team, got '" + scope + "'", PalisadeCommand.EXIT_USAGE);
        };
    }

    @Command(name = "show", description = "Print the limits of a key, user or team.")
    static final class Show implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "key, user or team")
        String scope;

        @Parameters(index = "1", description = "Key id, user id or email, team name.")
        String id;

        @Override
        public void run() {
            TablePrinter.print(
                    server.client()
                            .get("/admin/" + collection(scope) + "/" + AdminClient.segment(id) + "/limits", Map.of()),
                    true,
                    System.out);
        }
    }

    @Command(
            name = "set",
            description =
                    "Replace the limits of a key, user or team, e.g."
                            + " '{\"tokens_per_minute\":20000,\"budgets\":[{\"period\":\"month\",\"cost\":50}]}'; '{}' clears them.")
    static final class Set implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "key, user or team")
        String scope;

        @Parameters(index = "1", description = "Key id, user id or email, team name.")
        String id;

        @Parameters(index = "2", description = "The limits as JSON.")
        String limits;

        @Override
        public void run() {
            Object body;
            try {
                body = new ObjectMapper().readTree(limits);
            } catch (JsonProcessingException e) {
                throw new CliException(
                        "the limits are not valid JSON: " + e.getOriginalMessage(), PalisadeCommand.EXIT_USAGE);
            }
            TablePrinter.print(
                    server.client()
                            .put("/admin/" + collection(scope) + "/" + AdminClient.segment(id) + "/limits", body),
                    true,
                    System.out);
        }
    }
}
