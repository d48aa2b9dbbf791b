package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * A run as a report: JSON (summary + every result), Markdown, a self-contained HTML page (no
 * external assets; the customer's network may be closed), and JUnit XML (one test case per golden
 * case and repeat) for CI systems. Pure; thread-safe.
 */
public final class EvalReports {
    public enum Format {
        JSON,
        MARKDOWN,
        HTML,
        JUNIT
    }

    private final ObjectMapper json;

    public EvalReports(ObjectMapper json) {
        this.json = json;
    }

    public static Format parse(String text) {
        return switch (text == null ? "json" : text.toLowerCase(Locale.ROOT)) {
            case "json" -> Format.JSON;
            case "md", "markdown" -> Format.MARKDOWN;
            case "html" -> Format.HTML;
            case "junit", "xml" -> Format.JUNIT;
            default ->
                throw new IllegalArgumentException(
                        "report format must be json, markdown, html or junit, got '" + text + "'");
        };
    }

    public static String contentType(Format format) {
        return switch (format) {
            case JSON -> "application/json";
            case MARKDOWN -> "text/markdown; charset=utf-8";
            case HTML -> "text/html; charset=utf-8";
            case JUNIT -> "application/xml";
        };
    }

    public String render(Format format, JsonNode summary, List<CaseResult> results) {
        return switch (format) {
            case JSON -> json(summary, results).toPrettyString();
            case MARKDOWN -> markdown(summary, results);
            case HTML -> html(summary, results);
            case JUNIT -> junit(summary, results);
        };
    }

    private ObjectNode json(JsonNode summary, List<CaseResult> results) {
        ObjectNode report = json.createObjectNode();
        report.set("summary", summary);
        ArrayNode items = report.putArray("results");
        results.forEach(result -> items.add(EvalResults.write(json, result)));
        return report;
    }

    private static String markdown(JsonNode summary, List<CaseResult> results) {
        StringBuilder md = new StringBuilder();
        md.append("# Evaluation ")
                .append(summary.path("run_id").asText())
                .append(": ")
                .append(summary.path("status").asText().toUpperCase(Locale.ROOT))
                .append("\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| generator | ").append(summary.path("generator").asText()).append(" |\n");
        if (summary.hasNonNull("owner")) {
            md.append("| started by | ").append(summary.path("owner").asText()).append(" |\n");
        }
        md.append("| judge | ")
                .append(summary.path("judge").asText())
                .append(" (independent: ")
                .append(summary.path("judge_independent").asBoolean())
                .append(" — ")
                .append(summary.path("judge_independence").asText())
                .append(") |\n");
        md.append("| golden set | ")
                .append(summary.path("golden_set").path("name").asText())
                .append(" `")
                .append(summary.path("golden_set").path("hash").asText())
                .append("` |\n");
        md.append("| pass rate | ")
                .append(percent(summary.path("pass_rate").asDouble()))
                .append(" (")
                .append(summary.path("passed").asLong())
                .append("/")
                .append(summary.path("total").asLong())
                .append("), 95 % CI ")
                .append(interval(summary.path("wilson_95")))
                .append(", threshold ")
                .append(percent(summary.path("threshold").asDouble()))
                .append(" |\n");
        md.append("| judge errors | ")
                .append(summary.path("judge_errors").asLong())
                .append(" |\n");
        JsonNode sanity = summary.path("judge_sanity");
        md.append("| judge sanity | ")
                .append(sanity.path("valid").asBoolean() ? "valid" : "INVALID")
                .append(": ")
                .append(sanity.path("wrong_passed").asInt())
                .append(" planted wrong passed, ")
                .append(sanity.path("right_failed").asInt())
                .append(" planted right failed |\n\n");
        md.append("## By category\n\n| category | passed | pass rate | 95 % CI |\n|---|---|---|---|\n");
        summary.path("categories")
                .properties()
                .forEach(entry -> md.append("| ")
                        .append(entry.getKey())
                        .append(" | ")
                        .append(entry.getValue().path("passed").asLong())
                        .append("/")
                        .append(entry.getValue().path("total").asLong())
                        .append(" | ")
                        .append(percent(entry.getValue().path("pass_rate").asDouble()))
                        .append(" | ")
                        .append(interval(entry.getValue().path("wilson_95")))
                        .append(" |\n"));
        if (summary.path("flaky_cases").size() > 0) {
            md.append("\nFlaky cases (passed in some repeats, failed in others): ");
            summary.path("flaky_cases")
                    .forEach(id -> md.append('`').append(id.asText()).append("` "));
            md.append('\n');
        }
        md.append("\n## Failed cases\n\n| case | repeat | reason |\n|---|---|---|\n");
        for (CaseResult result : results) {
            if (!result.passed()) {
                md.append("| ")
                        .append(result.caseId())
                        .append(" | ")
                        .append(result.repeat())
                        .append(" | ")
                        .append(reason(result).replace("|", "\\|").replace("\n", " "))
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    private static String html(JsonNode summary, List<CaseResult> results) {
        StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Evaluation ")
                .append(escape(summary.path("run_id").asText()))
                .append("</title><style>body{font-family:sans-serif;margin:2em}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
                        + ".pass{color:#176b2c}.fail,.invalid,.error{color:#a31515}</style></head><body>");
        String status = summary.path("status").asText();
        html.append("<h1>Evaluation <span class=\"")
                .append(escape(status))
                .append("\">")
                .append(escape(status.toUpperCase(Locale.ROOT)))
                .append("</span></h1><table>");
        row(html, "Generator", summary.path("generator").asText());
        if (summary.hasNonNull("owner")) {
            row(html, "Started by", summary.path("owner").asText());
        }
        row(
                html,
                "Judge",
                summary.path("judge").asText() + " — independent: "
                        + summary.path("judge_independent").asBoolean() + " ("
                        + summary.path("judge_independence").asText() + ")");
        row(
                html,
                "Golden set",
                summary.path("golden_set").path("name").asText() + " "
                        + summary.path("golden_set").path("hash").asText());
        row(
                html,
                "Pass rate",
                percent(summary.path("pass_rate").asDouble()) + " ("
                        + summary.path("passed").asLong() + "/"
                        + summary.path("total").asLong() + "), 95% CI " + interval(summary.path("wilson_95"))
                        + ", threshold "
                        + percent(summary.path("threshold").asDouble()));
        row(html, "Judge errors", summary.path("judge_errors").asText());
        row(html, "Judge sanity", summary.path("judge_sanity").path("valid").asBoolean() ? "valid" : "INVALID");
        html.append(
                "</table><h2>Categories</h2><table><tr><th>category</th><th>passed</th><th>pass rate</th><th>95% CI</th></tr>");
        summary.path("categories")
                .properties()
                .forEach(entry -> html.append("<tr><td>")
                        .append(escape(entry.getKey()))
                        .append("</td><td>")
                        .append(entry.getValue().path("passed").asLong())
                        .append('/')
                        .append(entry.getValue().path("total").asLong())
                        .append("</td><td>")
                        .append(percent(entry.getValue().path("pass_rate").asDouble()))
                        .append("</td><td>")
                        .append(interval(entry.getValue().path("wilson_95")))
                        .append("</td></tr>"));
        html.append(
                "</table><h2>Cases</h2><table><tr><th>case</th><th>repeat</th><th>result</th><th>answer</th><th>reason</th></tr>");
        for (CaseResult result : results) {
            html.append("<tr><td>")
                    .append(escape(result.caseId()))
                    .append("</td><td>")
                    .append(result.repeat())
                    .append("</td><td class=\"")
                    .append(result.passed() ? "pass\">pass" : "fail\">fail")
                    .append("</td><td>")
                    .append(escape(shorten(result.answer())))
                    .append("</td><td>")
                    .append(escape(reason(result)))
                    .append("</td></tr>");
        }
        return html.append("</table></body></html>").toString();
    }

    private static String junit(JsonNode summary, List<CaseResult> results) {
        long failures =
                results.stream().filter(r -> !r.passed() && !r.judgeError()).count();
        long errors = results.stream().filter(CaseResult::judgeError).count();
        StringBuilder xml = new StringBuilder(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"palisade-eval ")
                .append(escape(summary.path("run_id").asText()))
                .append("\" tests=\"")
                .append(results.size())
                .append("\" failures=\"")
                .append(failures)
                .append("\" errors=\"")
                .append(errors)
                .append("\">\n");
        for (CaseResult result : results) {
            xml.append("  <testcase classname=\"")
                    .append(escape(result.category()))
                    .append("\" name=\"")
                    .append(escape(result.caseId()))
                    .append(result.repeat() > 0 ? "#" + result.repeat() : "")
                    .append("\" time=\"")
                    .append(String.format(Locale.ROOT, "%.3f", result.latencyMillis() / 1000))
                    .append("\">");
            if (result.judgeError()) {
                xml.append("<error message=\"judge error\">")
                        .append(escape(reason(result)))
                        .append("</error>");
            } else if (!result.passed()) {
                xml.append("<failure message=\"")
                        .append(escape(shorten(reason(result))))
                        .append("\"/>");
            }
            xml.append("</testcase>\n");
        }
        return xml.append("</testsuite>\n").toString();
    }

    static String reason(CaseResult result) {
        if (result.generationError() != null) {
            return "generation failed: " + result.generationError();
        }
        if (result.judgeError()) {
            return "the judge gave no readable verdict in " + result.judgeAttempts() + " attempts";
        }
        for (CheckResult check : result.checks()) {
            if (!check.passed()) {
                return check.type() + " check failed: " + check.detail();
            }
        }
        return result.verdict() == null ? "" : result.verdict().reason();
    }

    private static void row(StringBuilder html, String name, String value) {
        html.append("<tr><th>")
                .append(escape(name))
                .append("</th><td>")
                .append(escape(value))
                .append("</td></tr>");
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }

    private static String interval(JsonNode wilson) {
        return String.format(
                Locale.ROOT,
                "[%.1f %%, %.1f %%]",
                wilson.path(0).asDouble() * 100,
                wilson.path(1).asDouble() * 100);
    }

    private static String shorten(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static String escape(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }
}
