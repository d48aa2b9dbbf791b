package io.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.audit.AuditExportFormat;
import io.palisade.audit.AuditRecords;
import io.palisade.audit.AuditVerifier;
import io.palisade.audit.TimeBound;
import io.palisade.auth.User;
import io.palisade.store.AuditFilter;
import io.palisade.store.AuditStore;
import io.palisade.store.Database;
import io.palisade.store.UserStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code palisade audit verify|export}. By default they open the store (SQLite file or PostgreSQL
 * database) directly, so they work for forensics while the server is down; {@code --remote} asks a running server instead.
 */
@Command(name = "audit", description = "Verify and export the audit trail.", subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {
    @Override
    public void run() {
        throw new CliException("say what to do: verify or export", PalisadeCommand.EXIT_USAGE);
    }

    /** Where the audit is read from: the store (file) or a running server. */
    static final class Source {
        @Option(names = "--store", description = "Store URL, e.g. sqlite:./data/palisade.db or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
                + " (default: the config's store.url).")
        String store;

        @Mixin
        ConfigOption config;

        @Option(names = "--remote", description = "Ask a running server (--url, --admin-key) instead of opening the store.")
        boolean remote;

        @Mixin
        ServerOptions server;

        Database database() {
            return Database.openExisting(store != null ? store : config.load().storeUrl());
        }
    }

    @Command(name = "verify", description = "Check the hash chain; exit 1 and name the first broken record if anything was altered,"
            + " removed or reordered.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        Source source;

        @Override
        public Integer call() {
            boolean intact;
            long records;
            long broken;
            String problem;
            String head;
            if (source.remote) {
                JsonNode answer = source.server.client().get("/admin/audit/verify", Map.of());
                intact = answer.path("intact").asBoolean();
                records = answer.path("records").asLong();
                broken = answer.path("first_broken_seq").asLong();
                problem = answer.path("problem").asText(null);
                head = answer.path("head_hash").asText();
            } else {
                AuditVerifier.Result result;
                try (Database database = source.database()) {
                    result = new AuditVerifier(new AuditStore(database)).verify();
                }
                intact = result.intact();
                records = result.records();
                broken = result.firstBrokenSeq();
                problem = result.problem();
                head = result.headHash();
            }
            if (intact) {
                System.out.println("audit chain intact: " + records + " records; head hash " + head);
                return 0;
            }
            System.out.println("audit chain BROKEN at record " + broken + ": " + problem + " (" + records + " records read)");
            return PalisadeCommand.EXIT_FAILURE;
        }
    }

    @Command(name = "export", description = "Export audit records (one per request) as CSV or JSON Lines.")
    static final class Export implements Callable<Integer> {
        @Mixin
        Source source;

        @Option(names = "--user", description = "Only this user's records (id or email). A full export of a user permits deleting them.")
        String user;

        @Option(names = "--since", description = "From this time (ISO-8601 or a date), inclusive.")
        String since;

        @Option(names = "--until", description = "Until this time (ISO-8601 or a date), exclusive.")
        String until;

        @Option(names = "--key", description = "Only records of this key id.")
        String key;

        @Option(names = "--model", description = "Only records of requests for this model (as requested).")
        String model;

        @Option(names = "--decision", description = "Only allowed or only denied requests.")
        String decision;

        @Option(names = "--client-request-id", description = "Only requests the caller sent with this X-Request-Id of its own.")
        String clientRequestId;

        @Option(names = "--format", defaultValue = "jsonl", description = "csv or jsonl (default: jsonl).")
        String format;

        @Option(names = {"-o", "--output"}, description = "Write to FILE instead of standard output.")
        Path output;

        @Override
        public Integer call() throws IOException {
            AuditExportFormat exportFormat;
            try {
                exportFormat = AuditExportFormat.parse(format);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), PalisadeCommand.EXIT_USAGE);
            }
            if (decision != null && !decision.equals("allowed") && !decision.equals("denied")) {
                throw new CliException("--decision must be allowed or denied", PalisadeCommand.EXIT_USAGE);
            }
            try (OutputStream out = output == null ? System.out : Files.newOutputStream(output)) {
                if (source.remote) {
                    Map<String, String> query = new LinkedHashMap<>();
                    query.put("user", user);
                    query.put("since", since);
                    query.put("until", until);
                    query.put("key", key);
                    query.put("model", model);
                    query.put("decision", decision);
                    query.put("client_request_id", clientRequestId);
                    query.put("format", format);
                    try (InputStream body = source.server.client().stream("GET", "/admin/audit/export", query)) {
                        body.transferTo(out);
                    }
                } else {
                    exportFromStore(exportFormat, out);
                }
                out.flush();
            }
            return 0;
        }

        private void exportFromStore(AuditExportFormat exportFormat, OutputStream out) throws IOException {
            try (Database database = source.database()) {
                exportFromStore(database, exportFormat, out);
            }
        }

        private void exportFromStore(Database database, AuditExportFormat exportFormat, OutputStream out) throws IOException {
            UserStore users = new UserStore(database);
            User found = null;
            if (user != null) {
                found = users.find(user).orElseThrow(() -> new CliException("no user '" + user + "' in the store", PalisadeCommand.EXIT_FAILURE));
            }
            AuditFilter filter = new AuditFilter(found == null ? null : found.id(), key, model, decision, clientRequestId,
                    time(since, "--since"), time(until, "--until"));
            // Written as read from the store, a chunk at a time: the whole chain is never in memory.
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            long exportedSeq = new AuditRecords(new AuditStore(database), new ObjectMapper()).export(filter, exportFormat, writer);
            if (filter.isAllOfOneUser()) {
                users.markExported(found.id(), exportedSeq);
            }
        }

        private static String time(String text, String option) {
            try {
                Instant instant = TimeBound.parse(text, option);
                return instant == null ? null : instant.toString();
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), PalisadeCommand.EXIT_USAGE);
            }
        }
    }
}
