package io.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.audit.AuditArchive;
import io.palisade.audit.AuditExportFormat;
import io.palisade.audit.AuditRecords;
import io.palisade.audit.AuditStore;
import io.palisade.audit.AuditVerifier;
import io.palisade.audit.CheckpointKey;
import io.palisade.audit.TimeBound;
import io.palisade.auth.User;
import io.palisade.auth.UserStore;
import io.palisade.config.PalisadeConfig;
import io.palisade.store.AuditFilter;
import io.palisade.store.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code palisade audit verify|export}. By default they open the store (SQLite file or PostgreSQL
 * database) directly, so they work for forensics while the server is down; {@code --remote} asks a running server instead.
 */
@Command(
        name = "audit",
        description = "Verify and export the audit trail.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {
    @Override
    public void run() {
        throw new CliException("say what to do: verify or export", PalisadeCommand.EXIT_USAGE);
    }

    /** Where the audit is read from: the store (file) or a running server. */
    static final class Source {
        @Option(
                names = "--store",
                description =
                        "Store URL, e.g. sqlite:./data/palisade.db or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
                                + " (default: the config's store.url).")
        String store;

        @Mixin
        ConfigOption config;

        @Option(
                names = "--remote",
                description = "Ask a running server (--url, --admin-key) instead of opening the store.")
        boolean remote;

        @Mixin
        ServerOptions server;

        Database database() {
            return Database.openExisting(store != null ? store : config.load().storeUrl());
        }
    }

    @Command(
            name = "verify",
            description =
                    "Check the hash chain and its checkpoints; exit 1 and name the first broken record if anything was"
                            + " altered, removed (also from the end, up to the last checkpoint) or reordered, or a checkpoint is forged.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        Source source;

        @Option(
                names = "--checkpoints",
                paramLabel = "FILE",
                description = "A checkpoint file to check the chain against; repeat for each"
                        + " replica's file (default: audit.checkpoint_file, else the file beside the SQLite store or under ./data for PostgreSQL)."
                        + " Signatures are checked with audit.checkpoint_key.")
        List<Path> checkpoints = new ArrayList<>();

        @Option(
                names = "--archive",
                paramLabel = "DIR",
                description = "Also check the archived records in DIR (audit.archive_dir): each segment's checksum and"
                        + " records, and the chain from record 1 through the archive into the store.")
        Path archive;

        @Override
        public Integer call() {
            AuditVerifier.Result result = source.remote ? remote() : local();
            print(result);
            return result.intact() ? 0 : PalisadeCommand.EXIT_FAILURE;
        }

        private AuditVerifier.Result local() {
            PalisadeConfig config = source.config.load();
            String storeUrl = source.store != null ? source.store : config.storeUrl();
            List<Path> files = checkpoints;
            if (files.isEmpty()) {
                files = List.of(config.audit().checkpoints().fileFor(storeUrl));
            } else {
                for (Path file : files) {
                    if (!Files.isRegularFile(file)) {
                        throw new CliException("no checkpoint file " + file, PalisadeCommand.EXIT_USAGE);
                    }
                }
            }
            if (archive != null && !Files.isDirectory(archive)) {
                throw new CliException("no archive directory " + archive, PalisadeCommand.EXIT_USAGE);
            }
            try (Database database = Database.openExisting(storeUrl)) {
                return new AuditVerifier(
                                new AuditStore(database),
                                files,
                                CheckpointKey.of(config.audit().checkpoints().key()),
                                archive == null ? null : new AuditArchive(archive))
                        .verify();
            }
        }

        private AuditVerifier.Result remote() {
            if (!checkpoints.isEmpty() || archive != null) {
                throw new CliException(
                        "--checkpoints and --archive read files here; with --remote the server checks its own"
                                + " checkpoint file and not the archive",
                        PalisadeCommand.EXIT_USAGE);
            }
            JsonNode answer = source.server.client().get("/admin/audit/verify", Map.of());
            JsonNode anchoring = answer.path("anchoring");
            List<AuditVerifier.Problem> problems = new ArrayList<>();
            for (JsonNode problem : anchoring.path("problems")) {
                problems.add(new AuditVerifier.Problem(
                        AuditVerifier.ProblemKind.valueOf(
                                problem.path("kind").asText().toUpperCase(Locale.ROOT)),
                        problem.path("seq").asLong(),
                        problem.path("detail").asText()));
            }
            String anchoredAt = anchoring.path("anchored_at").asText(null);
            return new AuditVerifier.Result(
                    answer.path("intact").asBoolean(),
                    answer.path("records").asLong(),
                    answer.path("first_broken_seq").asLong(),
                    answer.path("problem").asText(null),
                    answer.path("head_hash").asText(),
                    new AuditVerifier.Anchoring(
                            paths(anchoring.path("checkpoint_files")),
                            paths(anchoring.path("missing_checkpoint_files")),
                            anchoring.path("checkpoints").asLong(),
                            anchoring.path("signatures_checked").asBoolean(),
                            anchoring.path("anchored_seq").asLong(),
                            anchoredAt == null ? null : Instant.parse(anchoredAt),
                            anchoring.path("anchored_by").asText(null),
                            problems,
                            anchoring.path("problem_count").asLong()),
                    new AuditVerifier.Archive(
                            answer.path("archive").path("archived_through").asLong(),
                            null,
                            0,
                            answer.path("archive").path("unchecked_checkpoints").asLong()));
        }

        private static List<Path> paths(JsonNode array) {
            List<Path> paths = new ArrayList<>();
            array.forEach(path -> paths.add(Path.of(path.asText())));
            return paths;
        }

        private static void print(AuditVerifier.Result result) {
            AuditVerifier.Anchoring anchoring = result.anchoring();
            List<AuditVerifier.Problem> problems = anchoring.problems();
            AuditVerifier.Archive archived = result.archive();
            if (result.intact()) {
                System.out.println(
                        "audit chain intact: " + result.records() + " records; head hash " + result.headHash());
            } else {
                System.out.println("audit chain BROKEN at record " + result.firstBrokenSeq() + ": " + result.problem()
                        + " (" + result.records() + " records read)");
                if (!problems.isEmpty() && problems.getFirst().detail().equals(result.problem())) {
                    problems = problems.subList(1, problems.size());
                }
            }
            for (AuditVerifier.Problem problem : problems) {
                System.out.println(
                        "  also (" + problem.kind().name().toLowerCase(Locale.ROOT) + "): " + problem.detail());
            }
            if (anchoring.problemCount() > anchoring.problems().size()) {
                System.out.println("  … and "
                        + (anchoring.problemCount() - anchoring.problems().size()) + " more checkpoint problems");
            }
            for (Path missing : anchoring.missingFiles()) {
                System.out.println("WARNING: no checkpoint file " + missing);
            }
            if (archived.checked()) {
                System.out.println("archive " + archived.directory() + ": " + archived.segments()
                        + " segment(s) checked, the chain read from record 1"
                        + (archived.archivedThrough() > 0
                                ? "; the store holds the records after " + archived.archivedThrough()
                                : ""));
            } else if (archived.archivedThrough() > 0) {
                System.out.println("records 1 to " + archived.archivedThrough()
                        + " are archived and were NOT checked: the store's chain was checked from its anchor"
                        + " (the hash of record " + archived.archivedThrough() + " as the store recorded it)"
                        + (archived.uncheckedCheckpoints() > 0
                                ? "; " + archived.uncheckedCheckpoints() + " checkpoint(s) of archived records"
                                        + " not compared"
                                : "")
                        + "; add --archive DIR to check them");
            }
            String read = anchoring.checkpoints() + " checkpoint(s) read from " + anchoring.files() + "; signatures "
                    + (anchoring.signaturesChecked() ? "checked" : "NOT checked (no audit.checkpoint_key)");
            if (anchoring.anchoredSeq() == 0) {
                System.out.println((result.intact()
                                ? "NOT anchored: no checkpoint, so records deleted from the end of the chain would go unnoticed"
                                : "no checkpoint matches the chain")
                        + " (" + read + ")");
                return;
            }
            // Records are counted up to the first broken link only, so what follows the anchor is known only for an
            // intact chain.
            long headSeq = archived.checked() ? result.records() : archived.archivedThrough() + result.records();
            long after = result.intact() ? headSeq - anchoring.anchoredSeq() : 0;
            System.out.println("anchored up to record " + anchoring.anchoredSeq() + " by the checkpoint written "
                    + anchoring.anchoredAt() + " ("
                    + anchoring.anchoredBy() + ")"
                    + (after > 0 ? "; the " + after + " records after it are not anchored yet" : "") + " ("
                    + read + ")");
        }
    }

    @Command(name = "export", description = "Export audit records (one per request) as CSV or JSON Lines.")
    static final class Export implements Callable<Integer> {
        @Mixin
        Source source;

        @Option(
                names = "--user",
                description = "Only this user's records (id or email). A full export of a user permits deleting them.")
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

        @Option(
                names = "--client-request-id",
                description = "Only requests the caller sent with this X-Request-Id of its own.")
        String clientRequestId;

        @Option(names = "--format", description = "csv or jsonl (default: csv when --output ends in .csv, else jsonl).")
        String format;

        @Option(
                names = {"-o", "--output"},
                description = "Write to FILE instead of standard output.")
        Path output;

        @Override
        public Integer call() throws IOException {
            AuditExportFormat exportFormat;
            try {
                exportFormat = AuditExportFormat.forOutput(format, output);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), PalisadeCommand.EXIT_USAGE);
            }
            if (decision != null && !decision.equals("allowed") && !decision.equals("denied")) {
                throw new CliException("--decision must be allowed or denied", PalisadeCommand.EXIT_USAGE);
            }
            // Standard output is written to and flushed, never closed: later output must not be lost.
            if (output == null) {
                export(exportFormat, System.out);
            } else {
                try (OutputStream file = Files.newOutputStream(output)) {
                    export(exportFormat, file);
                }
            }
            return 0;
        }

        private void export(AuditExportFormat exportFormat, OutputStream out) throws IOException {
            if (source.remote) {
                Map<String, String> query = new LinkedHashMap<>();
                query.put("user", user);
                query.put("since", since);
                query.put("until", until);
                query.put("key", key);
                query.put("model", model);
                query.put("decision", decision);
                query.put("client_request_id", clientRequestId);
                query.put("format", exportFormat.parameter());
                try (InputStream body = source.server.client().stream("GET", "/admin/audit/export", query)) {
                    body.transferTo(out);
                }
            } else {
                exportFromStore(exportFormat, out);
            }
            out.flush();
        }

        private void exportFromStore(AuditExportFormat exportFormat, OutputStream out) throws IOException {
            try (Database database = source.database()) {
                exportFromStore(database, exportFormat, out);
            }
        }

        private void exportFromStore(Database database, AuditExportFormat exportFormat, OutputStream out)
                throws IOException {
            UserStore users = new UserStore(database);
            User found = null;
            if (user != null) {
                found = users.find(user)
                        .orElseThrow(() ->
                                new CliException("no user '" + user + "' in the store", PalisadeCommand.EXIT_FAILURE));
            }
            AuditFilter filter = new AuditFilter(
                    found == null ? null : found.id(),
                    key,
                    model,
                    decision,
                    clientRequestId,
                    time(since, "--since"),
                    time(until, "--until"));
            // Written as read from the store, a chunk at a time: the whole chain is never in memory.
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            long exportedSeq =
                    new AuditRecords(new AuditStore(database), new ObjectMapper()).export(filter, exportFormat, writer);
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
