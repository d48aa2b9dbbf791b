package io.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.audit.AuditExportFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code palisade admin users …}. */
@Command(
        name = "users",
        description = "Manage users.",
        subcommands = {
            UsersCommand.ListUsers.class,
            UsersCommand.Create.class,
            UsersCommand.Approve.class,
            UsersCommand.Disable.class,
            UsersCommand.SetTeam.class,
            UsersCommand.Delete.class,
            UsersCommand.Erase.class
        })
final class UsersCommand implements Runnable {
    static final String[] COLUMNS = {"id", "email", "name", "team", "status", "admin"};

    @Override
    public void run() {
        throw new CliException(
                "say what to do: list, create, approve, disable, set-team, delete or erase",
                PalisadeCommand.EXIT_USAGE);
    }

    @Command(name = "list", description = "List users.")
    static final class ListUsers implements Runnable {
        @Mixin
        ServerOptions server;

        @Override
        public void run() {
            TablePrinter.print(server.client().get("/admin/users", Map.of()), server.json, System.out, COLUMNS);
        }
    }

    @Command(name = "create", description = "Create a user (active unless --pending).")
    static final class Create implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Email address.")
        String email;

        @Option(names = "--name", description = "Display name.")
        String name;

        @Option(names = "--team", description = "Team name.")
        String team;

        @Option(names = "--pending", description = "Create as pending; approve later.")
        boolean pending;

        @Option(names = "--admin", description = "Make the user an administrator (can then hold admin keys).")
        boolean admin;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("email", email);
            body.put("name", name);
            body.put("team", team);
            body.put("status", pending ? "pending" : "active");
            body.put("admin", admin);
            TablePrinter.print(server.client().post("/admin/users", body), server.json, System.out, COLUMNS);
        }
    }

    @Command(name = "approve", description = "Activate a pending or disabled user.")
    static final class Approve implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "User id or email.")
        String user;

        @Override
        public void run() {
            TablePrinter.print(
                    server.client().post("/admin/users/" + AdminClient.segment(user) + "/approve", Map.of()),
                    server.json,
                    System.out,
                    COLUMNS);
        }
    }

    @Command(name = "disable", description = "Disable a user: all their keys stop working at once.")
    static final class Disable implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "User id or email.")
        String user;

        @Override
        public void run() {
            TablePrinter.print(
                    server.client().post("/admin/users/" + AdminClient.segment(user) + "/disable", Map.of()),
                    server.json,
                    System.out,
                    COLUMNS);
        }
    }

    @Command(name = "set-team", description = "Move a user to a team.")
    static final class SetTeam implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "User id or email.")
        String user;

        @Parameters(index = "1", description = "Team name.")
        String team;

        @Override
        public void run() {
            TablePrinter.print(
                    server.client().put("/admin/users/" + AdminClient.segment(user) + "/team", Map.of("team", team)),
                    server.json,
                    System.out,
                    COLUMNS);
        }
    }

    @Command(
            name = "delete",
            description = "Delete a user and their keys. Refused while their audit was never exported,"
                    + " unless --export FILE (exports, then deletes) or --force (audited).")
    static final class Delete implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "User id or email.")
        String user;

        @Option(names = "--export", description = "Write the user's whole audit to FILE, then delete.")
        Path export;

        @Option(
                names = "--format",
                description = "Export format: csv or jsonl (default: csv when FILE ends in .csv, else jsonl).")
        String format;

        @Option(names = "--force", description = "Delete even though the audit was never exported.")
        boolean force;

        @Override
        public void run() {
            Map<String, String> query = new LinkedHashMap<>();
            if (force) {
                query.put("force", "true");
            }
            if (export == null) {
                server.client().delete("/admin/users/" + AdminClient.segment(user), query);
                System.out.println("deleted " + user);
                return;
            }
            try {
                query.put("export", AuditExportFormat.forOutput(format, export).parameter());
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), PalisadeCommand.EXIT_USAGE);
            }
            try (InputStream body =
                    server.client().stream("DELETE", "/admin/users/" + AdminClient.segment(user), query)) {
                Files.copy(body, export, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new CliException(
                        "could not write " + export + ": " + e.getMessage(), PalisadeCommand.EXIT_FAILURE);
            }
            System.out.println("exported the audit of " + user + " to " + export + " and deleted the user");
        }
    }

    @Command(
            name = "erase",
            description = "Erase a user (right to be forgotten): their personal data leaves the audit (store and"
                    + " archive, the chain still verifies), the user and their keys are deleted. Refused while their"
                    + " audit was never exported, unless --export FILE (exports first) or --force (audited).")
    static final class Erase implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "User id or email.")
        String user;

        @Option(names = "--export", description = "Write the user's whole audit to FILE first.")
        Path export;

        @Option(
                names = "--format",
                description = "Export format: csv or jsonl (default: csv when FILE ends in .csv, else jsonl).")
        String format;

        @Option(names = "--force", description = "Erase even though the audit was never exported.")
        boolean force;

        @Override
        public void run() {
            if (export != null) {
                Map<String, String> query = new LinkedHashMap<>();
                query.put("user", user);
                try {
                    query.put(
                            "format",
                            AuditExportFormat.forOutput(format, export).parameter());
                } catch (IllegalArgumentException e) {
                    throw new CliException(e.getMessage(), PalisadeCommand.EXIT_USAGE);
                }
                try (InputStream body = server.client().stream("GET", "/admin/audit/export", query)) {
                    Files.copy(body, export, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new CliException(
                            "could not write " + export + ": " + e.getMessage(), PalisadeCommand.EXIT_FAILURE);
                }
                System.out.println("exported the audit of " + user + " to " + export);
            }
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("user", user);
            request.put("force", force);
            JsonNode answer = server.client().post("/admin/erasures", request);
            System.out.println("erased user " + answer.path("user_id").asText() + ": "
                    + answer.path("audit_records_erased").asLong() + " audit records blanked, "
                    + answer.path("archive_segments_rewritten").asLong() + " archive segments rewritten"
                    + (answer.path("audit_records_kept").asLong() > 0
                            ? "; " + answer.path("audit_records_kept").asLong()
                                    + " records written before erasure was possible keep their personal fields"
                                    + " (docs/security.md)"
                            : "")
                    + (answer.path("store_scrubbed").asBoolean() ? "" : "; the store's files were not scrubbed"));
        }
    }
}
