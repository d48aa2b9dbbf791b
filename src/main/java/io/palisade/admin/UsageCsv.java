package io.palisade.admin;

import io.palisade.store.UsageStore;
import java.util.List;

/** Usage report rows as CSV: the group columns, then the totals (cost in US dollars). */
final class UsageCsv {
    private UsageCsv() {}

    static String write(List<String> groups, List<UsageStore.UsageRow> rows) {
        StringBuilder csv = new StringBuilder();
        for (String group : groups) {
            csv.append(group).append(',');
        }
        csv.append("requests,prompt_tokens,completion_tokens,total_tokens,cost,refusals\r\n");
        for (UsageStore.UsageRow row : rows) {
            for (String group : groups) {
                String value = row.group().get(group);
                csv.append(value == null ? "" : quote(value)).append(',');
            }
            csv.append(row.requests())
                    .append(',')
                    .append(row.promptTokens())
                    .append(',')
                    .append(row.completionTokens())
                    .append(',')
                    .append(row.promptTokens() + row.completionTokens())
                    .append(',')
                    .append(row.costMicros() / 1_000_000.0)
                    .append(',')
                    .append(row.refusals())
                    .append("\r\n");
        }
        return csv.toString();
    }

    private static String quote(String value) {
        return value.contains(",") || value.contains("\"") ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
