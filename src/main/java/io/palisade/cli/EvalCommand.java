package io.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.config.PalisadeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code palisade eval run|smoke|judge|list|report|compare}: acceptance and regression evaluation on a
 * running Palisade. Exit codes: 0 pass, 1 fail, 2 configuration or connectivity, 3 invalid run.
 */
@Command(
        name = "eval",
        description = "Grade a model with a golden set and an independent judge.",
        subcommands = {
            EvalCommand.Run.class,
            EvalCommand.Smoke.class,
            EvalCommand.Judge.class,
            EvalCommand.ListRuns.class,
            EvalCommand.Report.class,
            EvalCommand.Compare.class
        })
final class EvalCommand implements Runnable {
    static final int EXIT_INVALID = 3;

    @Override
    public void run() {
        throw new CliException(
                "say what to do: run, smoke, judge, list, report or compare", PalisadeCommand.EXIT_USAGE);
    }

    @Command(
            name = "run",
            description = "Ask the golden set to the generator, score with the judge, print PASS or FAIL.")
    static final class Run implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        @Option(names = "--generator", required = true, description = "The model under test.")
        String generator;

        @Option(
                names = "--judge",
                required = true,
                description = "The grading model (another model, by default of another family).")
        String judge;

        @Option(
                names = "--golden",
                description = "Golden set file (.jsonl or .yaml); default: the shipped neutral set.")
        Path golden;

        @Option(
                names = "--threshold",
                defaultValue = "0.7",
                description = "Pass rate needed (default ${DEFAULT-VALUE}).")
        double threshold;

        @Option(
                names = "--repeat",
                defaultValue = "1",
                description = "Ask every question N times (flaky cases are reported).")
        int repeat;

        @Option(
                names = "--concurrency",
                defaultValue = "4",
                description = "Requests in flight (default ${DEFAULT-VALUE}).")
        int concurrency;

        @Option(
                names = "--allow-same-family",
                description = "Accept a judge of the generator's family (a weaker check).")
        boolean allowSameFamily;

        @Option(
                names = "--sanity-tolerance",
                defaultValue = "0.25",
                description = "Share of planted answers the judge may misgrade.")
        double sanityTolerance;

        @Option(names = "--report-dir", description = "Write report.json, report.md, report.html and junit.xml here.")
        Path reportDirectory;

        @Option(
                names = "--deployment",
                description = "Confine the generator to one deployment of its model (e.g. a canary candidate).")
        String deployment;

        @Override
        public Integer call() throws IOException, InterruptedException {
            ObjectMapper json = new ObjectMapper();
            ObjectNode body = json.createObjectNode()
                    .put("generator", generator)
                    .put("judge", judge)
                    .put("threshold", threshold)
                    .put("repeat", repeat)
                    .put("concurrency", concurrency)
                    .put("allow_same_family", allowSameFamily)
                    .put("sanity_tolerance", sanityTolerance)
                    .put("owner", cliOwner());
            if (deployment != null) {
                body.put("deployment", deployment);
            }
            if (golden != null) {
                if (!Files.isRegularFile(golden)) {
                    throw new CliException("no golden set at " + golden, PalisadeCommand.EXIT_USAGE);
                }
                String name = golden.getFileName().toString();
                body.put("golden_set", Files.readString(golden))
                        .put("golden_set_name", name)
                        .put("golden_set_format", name.endsWith(".yaml") || name.endsWith(".yml") ? "yaml" : "jsonl");
            }
            AdminClient client = server.client();
            String runId = started(() -> client.post("/admin/evals", body))
                    .path("run_id")
                    .asText();
            System.err.println("evaluation " + runId + " started: " + generator + " judged by " + judge);
            return finish(client, runId, reportDirectory);
        }
    }

    @Command(
            name = "smoke",
            description = "Acceptance check after bring-up, an upgrade or a drift: eval.smoke's golden set on each"
                    + " configured model, graded by its judge. Exit 0 all pass, 1 a model failed,"
                    + " 2 configuration or connectivity, 3 a run is invalid.")
    static final class Smoke implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        @Mixin
        ConfigOption config;

        @Option(
                names = "--owner",
                description = "Who asks, recorded with the runs: cli:<user> (default: cli:<your login>)"
                        + " or upgrade:<from>-><to>.")
        String owner;

        @Option(names = "--report-dir", description = "Write each run's reports into DIR/<run id>/.")
        Path reportDirectory;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PalisadeConfig loaded = config.load();
            if (!loaded.smokeEval().configured()) {
                Path file = config.resolve();
                throw new CliException(
                        "eval.smoke is not configured in " + (file == null ? "the default config" : file.toString())
                                + ": name the generators (eval.smoke.models) and an independent judge (eval.smoke.judge)",
                        PalisadeCommand.EXIT_USAGE);
            }
            AdminClient client = server.client(loaded);
            ObjectNode body = new ObjectMapper().createObjectNode().put("owner", owner == null ? cliOwner() : owner);
            JsonNode started = started(() -> client.post("/admin/evals/smoke", body));
            int exit = 0;
            for (JsonNode run : started.path("data")) {
                String runId = run.path("run_id").asText();
                System.err.println("smoke evaluation " + runId + " started: "
                        + run.path("generator").asText() + " judged by "
                        + loaded.smokeEval().judge() + " ("
                        + started.path("owner").asText() + ")");
            }
            for (JsonNode run : started.path("data")) {
                String runId = run.path("run_id").asText();
                int code;
                try {
                    code = finish(client, runId, reportDirectory == null ? null : reportDirectory.resolve(runId));
                } catch (CliException e) {
                    System.err.println(e.getMessage());
                    code = e.exitCode();
                }
                exit = worse(exit, code);
            }
            return exit;
        }

        /** Configuration or connectivity (nothing reliable was learned) over FAIL over INVALID over PASS. */
        private static int worse(int a, int b) {
            List<Integer> order = List.of(0, EXIT_INVALID, PalisadeCommand.EXIT_FAILURE, PalisadeCommand.EXIT_USAGE);
            return order.indexOf(a) >= order.indexOf(b) ? a : b;
        }
    }

    /** cli:<login name>, with characters an owner may not hold replaced. */
    static String cliOwner() {
        String login = System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9._@+-]", "_");
        return "cli:" + (login.isEmpty() ? "unknown" : login);
    }

    @Command(
            name = "judge",
            description = "Re-score a run's saved answers (no regeneration), optionally with another judge.")
    static final class Judge implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Run id.")
        String runId;

        @Option(names = "--judge", description = "Another judge model.")
        String judge;

        @Option(names = "--allow-same-family", description = "Accept a judge of the generator's family.")
        boolean allowSameFamily;

        @Option(names = "--report-dir", description = "Write the reports here.")
        Path reportDirectory;

        @Override
        public Integer call() throws IOException, InterruptedException {
            ObjectNode body = new ObjectMapper().createObjectNode().put("allow_same_family", allowSameFamily);
            if (judge != null) {
                body.put("judge", judge);
            }
            AdminClient client = server.client();
            started(() -> client.post("/admin/evals/" + AdminClient.segment(runId) + "/judge", body));
            return finish(client, runId, reportDirectory);
        }
    }

    @Command(name = "list", description = "Recent evaluation runs.")
    static final class ListRuns implements Runnable {
        @Mixin
        ServerOptions server;

        @Override
        public void run() {
            TablePrinter.print(
                    server.client().get("/admin/evals", Map.of()),
                    server.json,
                    System.out,
                    "run_id",
                    "status",
                    "generator",
                    "judge",
                    "golden_set",
                    "owner",
                    "created_at");
        }
    }

    @Command(name = "report", description = "Print a run's report.")
    static final class Report implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Run id.")
        String runId;

        @Option(names = "--format", defaultValue = "markdown", description = "json, markdown, html or junit.")
        String format;

        @Override
        public Integer call() throws IOException {
            try (InputStream body = server.client().stream(
                    "GET", "/admin/evals/" + AdminClient.segment(runId) + "/report", Map.of("format", format))) {
                body.transferTo(System.out);
            }
            System.out.flush();
            return 0;
        }
    }

    @Command(
            name = "compare",
            description = "Baseline against candidate: per-category deltas, regressions, exact McNemar test.")
    static final class Compare implements Callable<Integer> {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Baseline run id.")
        String baseline;

        @Parameters(index = "1", description = "Candidate run id.")
        String candidate;

        @Option(
                names = "--alpha",
                defaultValue = "0.05",
                description = "Significance level (default ${DEFAULT-VALUE}).")
        double alpha;

        @Option(names = "--fail-on-regression", description = "Exit 1 when the candidate is significantly worse.")
        boolean failOnRegression;

        @Override
        public Integer call() {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("baseline", baseline);
            query.put("candidate", candidate);
            query.put("alpha", Double.toString(alpha));
            JsonNode report = server.client().get("/admin/evals/compare", query);
            TablePrinter.print(report, true, System.out);
            boolean regressed = report.path("significant_regression").asBoolean();
            System.out.println(
                    regressed
                            ? "REGRESSION: the candidate is significantly worse (p = "
                                    + String.format(
                                            Locale.ROOT,
                                            "%.4f",
                                            report.path("mcnemar_p").asDouble()) + ")"
                            : "no significant regression");
            return failOnRegression && regressed ? PalisadeCommand.EXIT_FAILURE : 0;
        }
    }

    /** Starting problems the server refused (same judge, unknown family) are configuration errors: exit 2. */
    private static JsonNode started(java.util.function.Supplier<JsonNode> start) {
        try {
            return start.get();
        } catch (CliException e) {
            throw new CliException(e.getMessage(), PalisadeCommand.EXIT_USAGE);
        }
    }

    /** Follows a run to its end with a progress line, prints the verdict, writes reports, returns the exit code. */
    static int finish(AdminClient client, String runId, Path reportDirectory) throws IOException, InterruptedException {
        return finish(
                client,
                runId,
                reportDirectory,
                new EvalProgressLines(
                        System.err, Terminal.isInteractive(), Clock.systemUTC(), EvalProgressLines.LOG_INTERVAL));
    }

    static int finish(AdminClient client, String runId, Path reportDirectory, EvalProgressLines progressLines)
            throws IOException, InterruptedException {
        JsonNode run;
        while (true) {
            run = client.get("/admin/evals/" + AdminClient.segment(runId), Map.of());
            if (!"running".equals(run.path("status").asText())) {
                break;
            }
            progressLines.show(run.path("progress"));
            Thread.sleep(500);
        }
        progressLines.end();
        JsonNode summary = run.path("summary");
        String status = run.path("status").asText();
        if (status.equals("error")) {
            throw new CliException(
                    "evaluation " + runId + " failed: " + summary.path("error").asText(), PalisadeCommand.EXIT_USAGE);
        }
        System.out.printf(
                Locale.ROOT,
                "%s  %d/%d (%.1f%%, 95%% CI %.1f–%.1f%%)  threshold %.0f%%%n",
                status.toUpperCase(Locale.ROOT),
                summary.path("passed").asLong(),
                summary.path("total").asLong(),
                summary.path("pass_rate").asDouble() * 100,
                summary.path("wilson_95").path(0).asDouble() * 100,
                summary.path("wilson_95").path(1).asDouble() * 100,
                summary.path("threshold").asDouble() * 100);
        System.out.println("generator: " + summary.path("generator").asText() + "   judge: "
                + summary.path("judge").asText()
                + (summary.path("judge_independent").asBoolean() ? " (independent)" : " (NOT independent)") + " — "
                + summary.path("judge_independence").asText());
        System.out.println("judge errors: " + summary.path("judge_errors").asLong() + "   judge sanity: "
                + (summary.path("judge_sanity").path("valid").asBoolean() ? "valid" : "INVALID") + "   run: " + runId);
        if (reportDirectory != null) {
            Files.createDirectories(reportDirectory);
            for (String[] report : new String[][] {
                {"json", "report.json"}, {"markdown", "report.md"}, {"html", "report.html"}, {"junit", "junit.xml"}
            }) {
                try (InputStream body = client.stream(
                        "GET", "/admin/evals/" + AdminClient.segment(runId) + "/report", Map.of("format", report[0]))) {
                    Files.copy(
                            body,
                            reportDirectory.resolve(report[1]),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.out.println("reports written to " + reportDirectory);
        }
        return switch (status) {
            case "pass" -> 0;
            case "invalid" -> EXIT_INVALID;
            default -> PalisadeCommand.EXIT_FAILURE;
        };
    }
}
