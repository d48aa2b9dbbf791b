package io.palisade.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.palisade.admission.AdmittedRequest;
import io.palisade.config.ReloadResult;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.lifecycle.CanaryStates;
import io.palisade.lifecycle.ConfigReloader;
import io.palisade.lifecycle.ModelLifecycle;
import io.palisade.lifecycle.PinCheck;
import io.palisade.lifecycle.PinMonitor;
import io.palisade.routing.CanaryPhase;
import io.palisade.routing.Deployment;
import io.palisade.routing.ModelCatalog;
import io.palisade.routing.ModelRoute;
import io.palisade.routing.OutcomeWindow;
import io.palisade.server.Exchanges;
import io.palisade.server.JsonBodyReader;
import io.palisade.store.CanaryStateStore;
import io.palisade.store.EvalStore;
import io.palisade.upstream.BackendHealth;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The model-lifecycle part of the admin API: status of every configured model's deployments,
 * promote / roll back / resume a canary, and reload the config. Model names travel in the body,
 * not the path, because public names may contain "/" ("Qwen/Qwen3-8B").
 */
public final class ModelRoutes {
    private final Exchanges exchanges;
    private final ModelCatalog catalog;
    private final CanaryStates states;
    private final ModelLifecycle lifecycle;
    private final ConfigReloader reloader;
    private final PinMonitor pins;
    private final BackendHealth health;
    private final JsonBodyReader bodies;
    private final ObjectMapper json;
    private final Clock clock;

    public ModelRoutes(
            Exchanges exchanges,
            ModelCatalog catalog,
            CanaryStates states,
            ModelLifecycle lifecycle,
            ConfigReloader reloader,
            PinMonitor pins,
            BackendHealth health,
            JsonBodyReader bodies,
            ObjectMapper json,
            Clock clock) {
        this.exchanges = exchanges;
        this.catalog = catalog;
        this.states = states;
        this.lifecycle = lifecycle;
        this.reloader = reloader;
        this.pins = pins;
        this.health = health;
        this.bodies = bodies;
        this.json = json;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.get(
                "/admin/models/status",
                exchanges.admin("models.status", (ctx, a) -> ok(ctx, status(ctx.queryParam("model")))));
        routes.post("/admin/models/promote", exchanges.admin("models.promote", (ctx, a) -> {
            ObjectNode body = bodies.read(ctx);
            ok(
                    ctx,
                    change(lifecycle.promote(
                            model(body), body.path("force").asBoolean(false), reason(body), actor(a))));
        }));
        routes.post("/admin/models/rollback", exchanges.admin("models.rollback", (ctx, a) -> {
            ObjectNode body = bodies.read(ctx);
            ok(ctx, change(lifecycle.rollback(model(body), "manual", reason(body), actor(a))));
        }));
        routes.post("/admin/models/resume", exchanges.admin("models.resume", (ctx, a) -> {
            ObjectNode body = bodies.read(ctx);
            ok(ctx, change(lifecycle.resume(model(body), reason(body), actor(a))));
        }));
        routes.post("/admin/models/verify", exchanges.admin("models.verify", (ctx, a) -> {
            ArrayNode data = json.createArrayNode();
            for (PinCheck check : pins.checkAll()) {
                data.addObject()
                        .put("model", check.model())
                        .put("deployment", check.deployment())
                        .put("backend", check.backend())
                        .put("upstream_model", check.upstreamModel())
                        .put(
                                "kind",
                                check.kind() == null
                                        ? null
                                        : check.kind().name().toLowerCase(Locale.ROOT))
                        .put("status", check.status().name().toLowerCase(Locale.ROOT))
                        .put("expected", check.expected())
                        .put("served", check.served())
                        .put("detail", check.detail())
                        .put("checked_at", check.checkedAt().toString());
            }
            ObjectNode body = json.createObjectNode().put("object", "list");
            body.set("data", data);
            ok(ctx, body);
        }));
        routes.post("/admin/config/reload", exchanges.admin("config.reload", (ctx, a) -> {
            ConfigReloader.Outcome outcome = reloader.reload("api", actor(a));
            ObjectNode body = json.createObjectNode()
                    .put("result", outcome.result().label())
                    .put("message", outcome.message());
            outcome.restartNeeded().forEach(body.putArray("restart_needed")::add);
            ctx.status(outcome.result() == ReloadResult.REJECTED ? 422 : 200);
            ok(ctx, body);
        }));
    }

    private ObjectNode status(String only) {
        Map<String, EvalStore.RunRow> lastEval = lastEvaluations();
        ArrayNode models = json.createArrayNode();
        // Discovered models are listed too (marked): a gateway serving only discovered models showed nothing.
        catalog.all().stream()
                .filter(route -> only == null || route.publicName().equals(only))
                .sorted(Comparator.comparing(ModelRoute::publicName))
                .forEach(route -> models.add(model(route, lastEval)));
        if (only != null && models.isEmpty()) {
            throw new PalisadeException(ErrorCode.MODEL_NOT_FOUND, "no model '" + only + "'");
        }
        ObjectNode body = json.createObjectNode().put("object", "list");
        body.set("data", models);
        return body;
    }

    private ObjectNode model(ModelRoute route, Map<String, EvalStore.RunRow> lastEval) {
        ObjectNode node =
                json.createObjectNode().put("model", route.publicName()).put("discovered", route.discovered());
        route.fallbacks().forEach(node.putArray("fallbacks")::add);
        CanaryPhase phase = route.canary() == null
                ? null
                : states.phase(route.publicName(), route.canary().id());
        double canaryShare = phase == null ? 0 : route.canaryShare(phase);
        int totalWeight =
                route.deployments().stream().mapToInt(Deployment::weight).sum();
        ArrayNode deployments = node.putArray("deployments");
        for (Deployment deployment : route.allDeployments()) {
            double share = deployment.canary()
                    ? canaryShare
                    : (100 - canaryShare) * deployment.weight() / Math.max(1, totalWeight);
            ObjectNode entry = deployments
                    .addObject()
                    .put("id", deployment.id())
                    .put("backend", deployment.backendName())
                    .put("upstream_model", deployment.upstreamModel())
                    .put("role", deployment.canary() ? "canary" : "baseline")
                    .put("weight", deployment.weight())
                    .put("traffic_percent", Math.round(share * 10) / 10.0);
            if (deployment.canary()) {
                entry.put("phase", phase.name().toLowerCase(Locale.ROOT));
                CanaryStateStore.Row row = states.row(route.publicName(), deployment.id());
                if (row != null) {
                    entry.put("phase_reason", row.reason())
                            .put("phase_changed_at", row.changedAt().toString())
                            .put("phase_changed_by", row.changedBy());
                }
            }
            entry.put("breaker", deployment.health().breaker().state().name().toLowerCase(Locale.ROOT));
            entry.put("backend_up", !health.down(deployment.backendName()));
            entry.put("drifted", deployment.health().drifted());
            if (deployment.health().driftDetail() != null) {
                entry.put("pin_detail", deployment.health().driftDetail());
            }
            entry.put("pinned", deployment.config().pin() != null);
            // A pinned deployment is held out of traffic until its first pin check concludes.
            entry.put("pin_unchecked", deployment.health().pinUnchecked());
            entry.put("in_flight", deployment.health().inFlight());
            OutcomeWindow window = deployment.health().window();
            OutcomeWindow.Summary summary = window.summary(clock.millis());
            entry.putObject("recent")
                    .put("window_seconds", window.windowMillis() / 1000)
                    .put("requests", summary.requests())
                    .put("errors", summary.errors())
                    .put("error_rate", summary.errorRate())
                    .put("median_ms", Double.isNaN(summary.medianMillis()) ? null : summary.medianMillis());
            EvalStore.RunRow run = lastEval.get(route.publicName() + '\u0000' + deployment.id());
            if (run != null) {
                entry.putObject("last_eval")
                        .put("run_id", run.id())
                        .put("status", run.status())
                        .put("finished_at", run.finishedAt());
            }
        }
        return node;
    }

    /** The latest finished evaluation per model and deployment (runs against a whole model count for its primary). */
    private Map<String, EvalStore.RunRow> lastEvaluations() {
        Map<String, EvalStore.RunRow> last = new HashMap<>();
        for (ModelLifecycle.FinishedRun finished : lifecycle.finishedRuns()) {
            ModelRoute route = catalog.find(finished.run().generator());
            if (route != null) {
                String deployment =
                        finished.deployment() == null ? route.primary().id() : finished.deployment();
                last.putIfAbsent(route.publicName() + '\u0000' + deployment, finished.run());
            }
        }
        return last;
    }

    private ObjectNode change(ModelLifecycle.Change change) {
        return json.createObjectNode()
                .put("model", change.model())
                .put("deployment", change.deployment())
                .put("phase", change.phase().name().toLowerCase(Locale.ROOT))
                .put("reason", change.reason());
    }

    private static String model(ObjectNode body) {
        String model = body.path("model").asText("");
        if (model.isBlank()) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "the field 'model' is required", "model");
        }
        return model;
    }

    private static String reason(ObjectNode body) {
        String reason = body.path("reason").asText("");
        if (reason.length() > 500) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'reason' is limited to 500 characters", "reason");
        }
        return reason;
    }

    private static String actor(AdmittedRequest admitted) {
        return admitted.caller().user().email();
    }

    private static void ok(Context ctx, ObjectNode body) {
        ctx.contentType("application/json").result(body.toString());
    }
}
