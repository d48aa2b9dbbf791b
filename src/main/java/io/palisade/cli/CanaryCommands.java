package io.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code palisade models status|promote|rollback|resume} and {@code palisade models reload}: the
 * lifecycle verbs, all through the admin API of a running gateway (so every replica sees the
 * change and the audit names who made it).
 */
final class CanaryCommands {
    private CanaryCommands() {}

    @Command(name = "status", description = "Traffic split, health, pins and the last evaluation of every deployment.")
    static final class Status implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", arity = "0..1", description = "Only this model.")
        String model;

        @Override
        public void run() {
            JsonNode answer =
                    server.client().get("/admin/models/status", model == null ? Map.of() : Map.of("model", model));
            if (server.json) {
                System.out.println(answer.toPrettyString());
                return;
            }
            if (answer.path("data").isEmpty()) {
                System.out.println(
                        "no models: none configured and none discovered yet (palisade status shows the backends)");
            }
            for (JsonNode entry : answer.path("data")) {
                System.out.println(entry.path("model").asText()
                        + (entry.path("discovered").asBoolean() ? "  (discovered)" : "")
                        + (entry.path("fallbacks").isEmpty()
                                ? ""
                                : "  (falls back to " + text(entry.path("fallbacks")) + ")"));
                for (JsonNode deployment : entry.path("deployments")) {
                    JsonNode recent = deployment.path("recent");
                    JsonNode eval = deployment.path("last_eval");
                    System.out.printf(
                            Locale.ROOT,
                            "  %-8s %-34s %5.1f%%  %-11s breaker %-9s %-8s %-9s %4d req %5.1f%% err%s%s%n",
                            deployment.path("role").asText(),
                            deployment.path("id").asText(),
                            deployment.path("traffic_percent").asDouble(),
                            deployment.has("phase") ? deployment.path("phase").asText() : "-",
                            deployment.path("breaker").asText(),
                            deployment.path("backend_up").asBoolean() ? "up" : "DOWN",
                            !deployment.path("pinned").asBoolean()
                                    ? "unpinned"
                                    : deployment.path("drifted").asBoolean()
                                            ? "DRIFTED"
                                            : deployment.path("pin_unchecked").asBoolean() ? "checking" : "pinned",
                            recent.path("requests").asLong(),
                            recent.path("error_rate").asDouble() * 100,
                            recent.path("median_ms").isNumber()
                                    ? String.format(
                                            Locale.ROOT,
                                            " p50 %.0fms",
                                            recent.path("median_ms").asDouble())
                                    : "",
                            eval.isMissingNode()
                                    ? "  eval: none"
                                    : "  eval: " + eval.path("status").asText().toUpperCase(Locale.ROOT) + " "
                                            + eval.path("run_id").asText());
                    if (deployment.has("phase_reason")) {
                        System.out.println(
                                "           " + deployment.path("phase").asText() + " by "
                                        + deployment.path("phase_changed_by").asText() + " at "
                                        + deployment.path("phase_changed_at").asText() + ": "
                                        + deployment.path("phase_reason").asText());
                    }
                }
            }
        }

        private static String text(JsonNode names) {
            StringBuilder joined = new StringBuilder();
            names.forEach(name -> joined.append(joined.isEmpty() ? "" : ", ").append(name.asText()));
            return joined.toString();
        }
    }

    @Command(
            name = "promote",
            description = "Give the canary all of the model's traffic (needs a passing evaluation unless --force).")
    static final class Promote implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Public model name.")
        String model;

        @Option(names = "--force", description = "Skip the evaluation gate (audited as forced).")
        boolean force;

        @Option(names = "--reason", description = "Why, for the audit.")
        String reason;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("model", model);
            body.put("force", force);
            body.put("reason", reason == null ? "" : reason);
            print(server, server.client().post("/admin/models/promote", body));
        }
    }

    /** A phase change that names only the model and a reason; the subclass says which. */
    abstract static class PhaseChange implements Runnable {
        @Mixin
        ServerOptions server;

        @Parameters(index = "0", description = "Public model name.")
        String model;

        @Option(names = "--reason", description = "Why, for the audit.")
        String reason;

        abstract String path();

        @Override
        public void run() {
            print(server, server.client().post(path(), Map.of("model", model, "reason", reason == null ? "" : reason)));
        }
    }

    @Command(name = "rollback", description = "Stop sending traffic to the model's canary.")
    static final class Rollback extends PhaseChange {
        @Override
        String path() {
            return "/admin/models/rollback";
        }
    }

    @Command(name = "resume", description = "Let a rolled-back or promoted canary take its configured share again.")
    static final class Resume extends PhaseChange {
        @Override
        String path() {
            return "/admin/models/resume";
        }
    }

    @Command(
            name = "reload",
            description = "Reload the gateway's config file now (as SIGHUP does); an invalid file is refused.")
    static final class Reload implements Runnable {
        @Mixin
        ServerOptions server;

        @Override
        public void run() {
            JsonNode answer = server.client().post("/admin/config/reload", Map.of());
            if (server.json) {
                System.out.println(answer.toPrettyString());
                return;
            }
            System.out.println(answer.path("result").asText() + ": "
                    + answer.path("message").asText());
            answer.path("restart_needed")
                    .forEach(section -> System.out.println("  needs a restart to change: " + section.asText()));
        }
    }

    private static void print(ServerOptions server, JsonNode answer) {
        if (server.json) {
            System.out.println(answer.toPrettyString());
            return;
        }
        System.out.println(answer.path("model").asText() + ": canary "
                + answer.path("deployment").asText() + " is now "
                + answer.path("phase").asText().replace('_', ' ')
                + (answer.path("reason").asText().isBlank()
                        ? ""
                        : " (" + answer.path("reason").asText() + ")"));
    }
}
