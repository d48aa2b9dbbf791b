package io.palisade.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Audit records as CSV (fixed columns, RFC 4180 quoting) or JSON Lines (every field). */
public enum AuditExportFormat {
    CSV,
    JSONL;

    private static final List<String> COLUMNS = List.of(
            "seq",
            "at",
            "request_id",
            "kind",
            "complete",
            "user",
            "team",
            "key_id",
            "key_label",
            "caller",
            "presented_key_fingerprint",
            "client",
            "method",
            "route",
            "model",
            "backend",
            "upstream_model",
            "stream",
            "decision",
            "reason",
            "status",
            "latency_ms",
            "ttft_ms",
            "prompt_tokens",
            "completion_tokens",
            "upstream_error",
            "action",
            "target",
            "actor",
            "client_request_id",
            "usage_source");

    public static AuditExportFormat parse(String text) {
        return switch (text == null ? "jsonl" : text.trim().toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "jsonl", "json" -> JSONL;
            default -> throw new IllegalArgumentException("format must be csv or jsonl, got '" + text + "'");
        };
    }

    /**
     * The format for an export written to {@code file}: the one asked for, else CSV when the file
     * name ends in {@code .csv} (what the operator evidently wants), else JSON Lines.
     */
    public static AuditExportFormat forOutput(String asked, Path file) {
        if (asked != null) {
            return parse(asked);
        }
        boolean csvName = file != null
                && file.getFileName() != null
                && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        return csvName ? CSV : JSONL;
    }

    /** The name the admin API's {@code format} parameter takes. */
    public String parameter() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String contentType() {
        return this == CSV ? "text/csv; charset=utf-8" : "application/x-ndjson";
    }

    public void write(List<ObjectNode> records, Writer out) throws IOException {
        writeHeader(out);
        for (ObjectNode record : records) {
            writeRecord(record, out);
        }
        out.flush();
    }

    /** What comes before the first record (CSV: the column names; JSON Lines: nothing). */
    public void writeHeader(Writer out) throws IOException {
        if (this == CSV) {
            out.write(String.join(",", COLUMNS));
            out.write("\r\n");
        }
    }

    /** One record, as one line. */
    public void writeRecord(ObjectNode record, Writer out) throws IOException {
        if (this == JSONL) {
            out.write(record.toString());
            out.write("\n");
            return;
        }
        for (int i = 0; i < COLUMNS.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            JsonNode value = record.get(COLUMNS.get(i));
            out.write(value == null || value.isNull() ? "" : quote(value.asText()));
        }
        out.write("\r\n");
    }

    private static String quote(String value) {
        // A leading = + - @ would make spreadsheet programs evaluate the cell (CSV injection).
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 && !value.matches("-?[0-9.]+")
                ? "'" + value
                : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}
