package io.palisade.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code palisade admin keys …}. */
@Command(
        name = "keys",
        description = "Manage API keys.",
        subcommands = {
            KeysCommand.ListKeys.class,
            KeysCommand.Create.class,
            KeysCommand.Revoke.class,
            KeysCommand.Rotate.class
        })
final class KeysCommand implements Runnable {
    static final String[] COLUMNS = {
        "id", "user", "team", "allowed_models", "requests_per_minute", "expires_at", "revoked_at", "label"
    };
    static final String[] ISSUED = {"id", "user", "allowed_models", "key"};

    @Override
    public void run() {
        throw new CliException("say what to do: list, create, revoke or rotate", PalisadeCommand.EXIT_USAGE);
    }

    @Command(name = "list", description = "List keys (never their secrets).")
    static final class ListKeys implements Runnable {
        @Mixin
        ServerOptions server;

        @Option(names = "--user", description = "Only this user's keys.")
        String user;

        @Override
        public void run() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("user", user);
            TablePrinter.print(server.client().get("/admin/keys", query), server.json, System.out, COLUMNS);
        }
    }

    @Command(name = "create", description = "Issue a key. The key is printed once; it cannot be shown again.")
    static final class Create implements Runnable {
        @Mixin
        ServerOptions server;

        @Option(names = "--user", required = true, description = "Owner (id or email).")
        String user;

        @Option(
                names = "--models",
                split = ",",
                description = "Models this key may use (names or patterns such as 'qwen3:*').")
        List<String> models = List.of();

        @Option(names = "--team", description = "Team whose grants also apply (default: the user's team).")
        String team;

        @Option(
                names = "--rpm",
                description =
                        "Requests per minute (0 = unlimited; default: limits.default_requests_per_minute),"
                                + " stored as the key's requests_per_minute limit: 'admin limits show|set key' show and replace it.")
        Integer rpm;

        @Option(names = "--expires", description = "Expiry, ISO-8601 (2027-01-31T00:00:00Z) or a date (2027-01-31).")
        String expires;

        @Option(names = "--label", description = "A note shown in listings and the audit, e.g. 'ci-pipeline'.")
        String label;

        @Option(names = "--admin", description = "An administrator key (the user must be an administrator).")
        boolean admin;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("user", user);
            body.put("allowed_models", models);
            body.put("team", team);
            body.put("requests_per_minute", rpm);
            body.put("expires_at", expires);
            body.put("label", label);
            body.put("admin", admin);
            TablePrinter.print(server.client().post("/admin/keys", body), server.json, System.out, ISSUED);
        }
    }

    @Command(name = "revoke", description = "Revoke a key; refused from the next request on.")
    static final class Revoke implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Key id.")
        String id;

        @Override
        public void run() {
            TablePrinter.print(
                    server.client().post("/admin/keys/" + AdminClient.segment(id) + "/revoke", Map.of()),
                    server.json,
                    System.out,
                    COLUMNS);
        }
    }

    @Command(name = "rotate", description = "Issue a replacement key with the same grants and revoke the old one.")
    static final class Rotate implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Key id.")
        String id;

        @Override
        public void run() {
            TablePrinter.print(
                    server.client().post("/admin/keys/" + AdminClient.segment(id) + "/rotate", Map.of()),
                    server.json,
                    System.out,
                    ISSUED);
        }
    }
}
