package io.palisade.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.palisade.admission.AdmittedRequest;
import io.palisade.auth.User;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.eval.EvalComparison;
import io.palisade.eval.EvalException;
import io.palisade.eval.EvalOwner;
import io.palisade.eval.EvalProgress;
import io.palisade.eval.EvalReports;
import io.palisade.eval.EvalRequest;
import io.palisade.eval.EvalService;
import io.palisade.eval.GoldenSet;
import io.palisade.eval.GoldenSetException;
import io.palisade.eval.SmokeEvaluations;
import io.palisade.server.Exchanges;
import io.palisade.server.JsonBodyReader;
import io.palisade.store.EvalStore;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The evaluation part of the admin API: start, smoke, list, show (with progress and owner), report,
 * re-judge, compare.
 */
public final class EvalRoutes {
    private final Exchanges exchanges;
    private final EvalService evals;
    private final SmokeEvaluations smoke;
    private final JsonBodyReader bodies;
    private final ObjectMapper json;

    public EvalRoutes(
            Exchanges exchanges, EvalService evals, SmokeEvaluations smoke, JsonBodyReader bodies, ObjectMapper json) {
        this.exchanges = exchanges;
        this.evals = evals;
        this.smoke = smoke;
        this.bodies = bodies;
        this.json = json;
    }

    public void register(RoutesConfig routes) {
        routes.post("/admin/evals", exchanges.admin("evals.start", (ctx, a) -> {
            ObjectNode body = bodies.read(ctx);
            EvalRequest request = request(body);
            EvalOwner owner = owner(body, a);
            String runId = guarded(() -> evals.start(request, owner));
            ctx.status(202);
            ok(ctx, json.createObjectNode().put("run_id", runId).put("status", "running"));
        }));
        routes.post("/admin/evals/smoke", exchanges.admin("evals.smoke", (ctx, a) -> {
            ObjectNode body = ctx.req().getContentLengthLong() > 0 ? bodies.read(ctx) : json.createObjectNode();
            EvalOwner owner = owner(body, a);
            List<SmokeEvaluations.Started> started = guarded(() -> smoke.start(owner));
            ArrayNode data = json.createArrayNode();
            for (SmokeEvaluations.Started run : started) {
                data.addObject()
                        .put("run_id", run.runId())
                        .put("generator", run.model())
                        .put("status", "running");
            }
            ObjectNode answer = json.createObjectNode().put("object", "list").put("owner", owner.toString());
            answer.set("data", data);
            ctx.status(202);
            ok(ctx, answer);
        }));
        routes.get("/admin/evals", exchanges.admin("evals.list", (ctx, a) -> {
            ArrayNode data = json.createArrayNode();
            for (EvalStore.RunRow run : evals.runs(100)) {
                data.add(view(run));
            }
            ObjectNode body = json.createObjectNode().put("object", "list");
            body.set("data", data);
            ok(ctx, body);
        }));
        routes.get("/admin/evals/compare", exchanges.admin("evals.compare", this::compare));
        routes.get(
                "/admin/evals/{id}",
                exchanges.admin("evals.show", (ctx, a) -> ok(ctx, view(run(ctx.pathParam("id"))))));
        routes.get("/admin/evals/{id}/report", exchanges.admin("evals.report", (ctx, a) -> {
            EvalStore.RunRow run = run(ctx.pathParam("id"));
            EvalReports.Format format;
            try {
                format = EvalReports.parse(ctx.queryParam("format"));
            } catch (IllegalArgumentException e) {
                throw new PalisadeException(ErrorCode.INVALID_REQUEST, e.getMessage(), "format");
            }
            if (run.summary() == null) {
                throw new PalisadeException(ErrorCode.CONFLICT, "run " + run.id() + " has not finished yet");
            }
            ctx.contentType(EvalReports.contentType(format))
                    .result(new EvalReports(json).render(format, parse(run.summary()), evals.results(run.id())));
        }));
        routes.post("/admin/evals/{id}/judge", exchanges.admin("evals.rejudge", (ctx, a) -> {
            ObjectNode body = ctx.req().getContentLengthLong() > 0 ? bodies.read(ctx) : json.createObjectNode();
            String id = run(ctx.pathParam("id")).id();
            guarded(() -> evals.rejudge(
                    id,
                    body.hasNonNull("judge") ? body.get("judge").asText() : null,
                    body.path("allow_same_family").asBoolean(false)));
            ok(ctx, view(run(id)));
        }));
    }

    private void compare(Context ctx, io.palisade.admission.AdmittedRequest admitted) {
        EvalStore.RunRow baseline = run(required(ctx, "baseline"));
        EvalStore.RunRow candidate = run(required(ctx, "candidate"));
        double alpha = ctx.queryParam("alpha") == null ? 0.05 : Double.parseDouble(ctx.queryParam("alpha"));
        ok(
                ctx,
                new EvalComparison(json)
                        .compare(
                                baseline.id(),
                                evals.results(baseline.id()),
                                candidate.id(),
                                evals.results(candidate.id()),
                                baseline.goldenHash().equals(candidate.goldenHash()),
                                alpha));
    }

    private EvalRequest request(ObjectNode body) {
        GoldenSet golden;
        try {
            golden = body.hasNonNull("golden_set")
                    ? GoldenSet.parse(
                            body.get("golden_set").asText(),
                            body.path("golden_set_name").asText("uploaded"),
                            "yaml"
                                            .equalsIgnoreCase(body.path("golden_set_format")
                                                    .asText())
                                    ? GoldenSet.Format.YAML
                                    : GoldenSet.Format.JSONL)
                    : GoldenSet.defaultSet();
        } catch (GoldenSetException e) {
            throw new PalisadeException(
                    ErrorCode.INVALID_REQUEST, "invalid golden set: " + e.getMessage(), "golden_set");
        }
        EvalRequest defaults = EvalRequest.of(text(body, "generator"), text(body, "judge"), golden);
        return guarded(() -> new EvalRequest(
                defaults.generator(),
                defaults.judge(),
                golden,
                body.path("threshold").asDouble(defaults.threshold()),
                body.path("repeat").asInt(defaults.repeat()),
                body.path("concurrency").asInt(defaults.concurrency()),
                body.path("allow_same_family").asBoolean(false),
                body.path("generator_max_tokens").asInt(defaults.generatorMaxTokens()),
                body.path("judge_max_tokens").asInt(defaults.judgeMaxTokens()),
                body.path("sanity_cases").asInt(defaults.sanityCases()),
                body.path("sanity_tolerance").asDouble(defaults.sanityTolerance()),
                body.hasNonNull("deployment") ? body.get("deployment").asText() : null));
    }

    private ObjectNode view(EvalStore.RunRow run) {
        ObjectNode node = json.createObjectNode();
        Optional<EvalProgress> progress = evals.progress(run.id());
        // A run stays "running" until the gateway has acted on its verdict (a failed canary rolled
        // back), so whoever waits for the run's end finds the deployments already changed.
        node.put("run_id", run.id())
                .put("status", progress.isPresent() ? "running" : run.status())
                .put("generator", run.generator())
                .put("judge", run.judge())
                .put("golden_set", run.goldenName())
                .put("golden_set_hash", run.goldenHash())
                .put("created_at", run.createdAt())
                .put("finished_at", run.finishedAt())
                .put("owner", EvalOwner.stored(run.owner()).toString());
        if (run.summary() != null) {
            node.set("summary", parse(run.summary()));
        }
        progress.ifPresent(running -> node.set("progress", progress(running)));
        return node;
    }

    private ObjectNode progress(EvalProgress progress) {
        return json.createObjectNode()
                .put("phase", progress.phase())
                .put("done", progress.done())
                .put("total", progress.total())
                .put("passed", progress.passed())
                .put("elapsed_seconds", progress.elapsedSeconds());
    }

    /**
     * The owner the caller names ({@code cli:<user>} or {@code upgrade:<from>-><to>}), else
     * {@code admin:<the admin's email>}.
     */
    private static EvalOwner owner(ObjectNode body, AdmittedRequest admitted) {
        if (body.has("owner")) {
            if (!body.get("owner").isTextual()) {
                throw new PalisadeException(
                        ErrorCode.INVALID_REQUEST, "'owner' must be a string such as cli:alice", "owner");
            }
            try {
                return EvalOwner.requested(body.get("owner").asText());
            } catch (EvalException e) {
                throw new PalisadeException(ErrorCode.INVALID_REQUEST, e.getMessage(), "owner");
            }
        }
        User user = admitted.caller().user();
        try {
            return new EvalOwner(EvalOwner.Kind.ADMIN, user == null ? "admin-key" : user.email());
        } catch (EvalException e) {
            return new EvalOwner(EvalOwner.Kind.ADMIN, "admin-key");
        }
    }

    private EvalStore.RunRow run(String id) {
        return evals.run(id)
                .orElseThrow(() -> new PalisadeException(ErrorCode.NOT_FOUND, "no evaluation run '" + id + "'"));
    }

    private static String required(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'" + name + "' is required", name);
        }
        return value;
    }

    private static String text(ObjectNode body, String field) {
        if (!body.path(field).isTextual() || body.get(field).asText().isBlank()) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'" + field + "' is required (a model name)", field);
        }
        return body.get(field).asText();
    }

    /** Evaluation refusals (same judge, unknown family, bad numbers) are the caller's to fix: 400. */
    private static <T> T guarded(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (EvalException e) {
            throw new PalisadeException(
                    e.kind() == EvalException.Kind.CONFIGURATION
                            ? ErrorCode.INVALID_REQUEST
                            : ErrorCode.UPSTREAM_UNAVAILABLE,
                    e.getMessage());
        }
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private static void ok(Context ctx, JsonNode body) {
        ctx.contentType("application/json").result(body.toString());
    }
}
