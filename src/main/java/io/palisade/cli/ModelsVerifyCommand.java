package io.palisade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.config.PalisadeConfig;
import io.palisade.lifecycle.GgufDigests;
import io.palisade.lifecycle.PinCheck;
import io.palisade.lifecycle.PinVerifier;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code palisade models verify}: asks every backend what it serves and compares it with the pins
 * (config and lock file). Exit 0 when every pinned deployment serves its pin, 1 when any drifted,
 * could not be asked or cannot say.
 */
@Command(
        name = "verify",
        description = "Check that every pinned deployment serves its pinned digest (exit 1 on any that does not).")
final class ModelsVerifyCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print the checks as JSON.")
    boolean json;

    @Override
    public Integer call() {
        PalisadeConfig loaded = config.load();
        List<PinCheck> checks;
        try (ConfiguredBackends backends = new ConfiguredBackends(loaded)) {
            checks = new PinVerifier(new GgufDigests(), Clock.systemUTC()).verifyAll(loaded, backends.byName());
        }
        List<PinCheck> failed = checks.stream().filter(PinCheck::failed).toList();
        long pinned = checks.stream().filter(PinCheck::pinned).count();
        if (json) {
            ObjectNode answer = JSON.createObjectNode().put("ok", failed.isEmpty());
            ArrayNode data = answer.putArray("data");
            checks.forEach(check -> data.add(row(check, false)));
            TablePrinter.print(answer, true, System.out);
            return failed.isEmpty() ? 0 : PalisadeCommand.EXIT_FAILURE;
        }
        if (checks.isEmpty()) {
            System.out.println("no models are configured under models:, so nothing is pinned");
            return 0;
        }
        ObjectNode table = JSON.createObjectNode();
        ArrayNode rows = table.putArray("data");
        checks.forEach(check -> rows.add(row(check, true)));
        TablePrinter.print(table, false, System.out, "model", "deployment", "kind", "expected", "served", "status");
        for (PinCheck check : checks) {
            // Failures explain themselves; an unpinned deployment only when nothing could be learnt about it.
            if (check.failed() || (!check.pinned() && check.served() == null)) {
                System.out.println(
                        check.status() + " " + check.model() + " " + check.deployment() + ": " + check.detail());
            }
        }
        long unpinned = checks.size() - pinned;
        String unpinnedNote =
                unpinned == 0 ? "" : "; " + unpinned + " deployment(s) not pinned (palisade models lock pins them)";
        if (pinned == 0) {
            System.out.println(
                    "no deployment is pinned: nothing to verify (palisade models lock pins what is served now)");
            return 0;
        }
        if (failed.isEmpty()) {
            System.out.println("OK: all " + pinned + " pinned deployment(s) serve their pin" + unpinnedNote);
            return 0;
        }
        System.out.println("FAILED: " + failed.size() + " of " + pinned + " pinned deployment(s) not confirmed: "
                + String.join(
                        ", ",
                        failed.stream()
                                .map(c -> c.model() + " " + c.deployment() + " ("
                                        + c.status().name().toLowerCase(Locale.ROOT) + ")")
                                .toList()));
        return PalisadeCommand.EXIT_FAILURE;
    }

    private static ObjectNode row(PinCheck check, boolean forTable) {
        ObjectNode row = JSON.createObjectNode()
                .put("model", check.model())
                .put("deployment", check.deployment())
                .put("backend", check.backend())
                .put("upstream_model", check.upstreamModel())
                .put("kind", check.kind() == null ? null : check.kind().name().toLowerCase(Locale.ROOT))
                .put("expected", forTable ? ModelsCommand.abbreviated(check.expected()) : check.expected())
                .put("served", forTable ? ModelsCommand.abbreviated(check.served()) : check.served())
                .put("status", check.status().name());
        return forTable
                ? row
                : row.put("detail", check.detail())
                        .put("checked_at", check.checkedAt().toString());
    }
}
