package io.palisade.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code palisade usage}: requests, tokens, cost and refusals, grouped, from a running server. */
@Command(
        name = "usage",
        description = "Report usage (requests, tokens, cost, refusals) by user, team, key, model and/or day.")
final class UsageCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Option(
            names = "--by",
            defaultValue = "user,model",
            description = "Group by any of user, team, key, model, day (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--since", description = "From this time (ISO-8601 or a date), inclusive.")
    String since;

    @Option(names = "--until", description = "Until this time (ISO-8601 or a date), exclusive.")
    String until;

    @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() throws IOException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("by", by);
        query.put("since", since);
        query.put("until", until);
        if (format.equals("csv")) {
            query.put("format", "csv");
            try (InputStream body = server.client().stream("GET", "/admin/usage", query)) {
                body.transferTo(System.out);
            }
            System.out.flush();
            return 0;
        }
        if (!format.equals("table") && !format.equals("json")) {
            throw new CliException("--format must be table, json or csv", PalisadeCommand.EXIT_USAGE);
        }
        String[] groups = by.isBlank() ? new String[0] : by.split(",");
        String[] columns = new String[groups.length + 6];
        System.arraycopy(groups, 0, columns, 0, groups.length);
        System.arraycopy(
                new String[] {"requests", "prompt_tokens", "completion_tokens", "total_tokens", "cost", "refusals"},
                0,
                columns,
                groups.length,
                6);
        TablePrinter.print(
                server.client().get("/admin/usage", query), server.json || format.equals("json"), System.out, columns);
        return 0;
    }
}
