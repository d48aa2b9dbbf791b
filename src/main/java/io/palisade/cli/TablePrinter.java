package io.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints admin answers: a fixed-width table of chosen columns, or the raw JSON with --json. */
final class TablePrinter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TablePrinter() {}

    static void print(JsonNode answer, boolean raw, PrintStream out, String... columns) {
        if (raw) {
            try {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                out.println(answer);
            }
            return;
        }
        List<JsonNode> rows = new ArrayList<>();
        if (answer.has("data")) {
            answer.path("data").forEach(rows::add);
        } else {
            rows.add(answer);
        }
        int[] widths = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            widths[i] = columns[i].length();
            for (JsonNode row : rows) {
                widths[i] =
                        Math.min(60, Math.max(widths[i], cell(row, columns[i]).length()));
            }
        }
        out.println(line(columns, widths));
        for (JsonNode row : rows) {
            String[] cells = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                cells[i] = cell(row, columns[i]);
            }
            out.println(line(cells, widths));
        }
    }

    private static String cell(JsonNode row, String column) {
        JsonNode value = row.get(column);
        if (value == null || value.isNull()) {
            return "-";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            return String.join(",", items);
        }
        return value.asText();
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i].length() > widths[i] ? cells[i].substring(0, widths[i] - 1) + "…" : cells[i];
            line.append(String.format("%-" + widths[i] + "s", cell));
            if (i < cells.length - 1) {
                line.append("  ");
            }
        }
        return line.toString().stripTrailing();
    }
}
