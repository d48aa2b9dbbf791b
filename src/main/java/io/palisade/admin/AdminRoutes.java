package io.palisade.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.palisade.admission.LimitsCodec;
import io.palisade.admission.LimitsRegistry;
import io.palisade.audit.AuditExportFormat;
import io.palisade.audit.AuditRecords;
import io.palisade.audit.AuditVerifier;
import io.palisade.audit.TimeBound;
import io.palisade.auth.Team;
import io.palisade.auth.User;
import io.palisade.auth.UserStatus;
import io.palisade.config.BackendConfig;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.routing.ModelCatalog;
import io.palisade.routing.ModelFamilies;
import io.palisade.routing.ModelRoute;
import io.palisade.server.Exchanges;
import io.palisade.server.JsonBodyReader;
import io.palisade.store.AuditFilter;
import io.palisade.store.LimitsStore;
import io.palisade.store.UsageStore;
import io.palisade.upstream.Backend;
import io.palisade.upstream.BackendHealth;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The admin REST API under /admin/. Every route goes through {@link Exchanges#admin}, so each
 * needs an admin key and each call, read or write, is audited. Thread-safe.
 */
public final class AdminRoutes {
    private final Exchanges exchanges;
    private final IdentityAdmin identities;
    private final AuditRecords records;
    private final AuditVerifier verifier;
    private final ModelCatalog catalog;
    private final BackendHealth health;
    private final ModelFamilies families;
    private final java.util.function.Supplier<List<BackendConfig>> backendConfigs;
    private final JsonBodyReader bodies;
    private final ObjectMapper json;
    private final AdminViews views;
    private final LimitsCodec limitsCodec;
    private final LimitsRegistry limits;
    private final UsageStore usage;

    public AdminRoutes(
            Exchanges exchanges,
            IdentityAdmin identities,
            AuditRecords records,
            AuditVerifier verifier,
            ModelCatalog catalog,
            BackendHealth health,
            ModelFamilies families,
            java.util.function.Supplier<List<BackendConfig>> backendConfigs,
            JsonBodyReader bodies,
            ObjectMapper json,
            LimitsCodec limitsCodec,
            LimitsRegistry limits,
            UsageStore usage) {
        this.exchanges = exchanges;
        this.identities = identities;
        this.records = records;
        this.verifier = verifier;
        this.catalog = catalog;
        this.health = health;
        this.families = families;
        this.backendConfigs = backendConfigs;
        this.bodies = bodies;
        this.json = json;
        this.views = new AdminViews(json, limits);
        this.limitsCodec = limitsCodec;
        this.limits = limits;
        this.usage = usage;
    }

    public void register(RoutesConfig routes) {
        routes.get(
                "/admin/users",
                exchanges.admin(
                        "users.list",
                        (ctx, a) -> ok(
                                ctx,
                                views.list(identities.users().stream()
                                        .map(u -> views.user(u, teams()))
                                        .toList()))));
        routes.post("/admin/users", exchanges.admin("users.create", (ctx, a) -> {
            ObjectNode body = bodies.read(ctx);
            UserStatus status = parseStatus(text(body, "status", "active"));
            User user = identities.createUser(
                    text(body, "email", null),
                    text(body, "name", null),
                    text(body, "team", null),
                    status,
                    body.path("admin").asBoolean(false));
            ctx.status(201);
            ok(ctx, views.user(user, teams()));
        }));
        routes.get(
                "/admin/users/{user}",
                exchanges.admin(
                        "users.show",
                        (ctx, a) -> ok(ctx, views.user(identities.user(ctx.pathParam("user")), teams()))));
        routes.post(
                "/admin/users/{user}/approve",
                exchanges.admin(
                        "users.approve",
                        (ctx, a) -> ok(
                                ctx,
                                views.user(identities.setStatus(ctx.pathParam("user"), UserStatus.ACTIVE), teams()))));
        routes.post(
                "/admin/users/{user}/disable",
                exchanges.admin(
                        "users.disable",
                        (ctx, a) -> ok(
                                ctx,
                                views.user(
                                        identities.setStatus(ctx.pathParam("user"), UserStatus.DISABLED), teams()))));
        routes.put(
                "/admin/users/{user}/team",
                exchanges.admin(
                        "users.set_team",
                        (ctx, a) -> ok(
                                ctx,
                                views.user(
                                        identities.setTeam(ctx.pathParam("user"), text(bodies.read(ctx), "team", null)),
                                        teams()))));
        routes.delete("/admin/users/{user}", exchanges.admin("users.delete", this::deleteUser));

        routes.get(
                "/admin/teams",
                exchanges.admin(
                        "teams.list",
                        (ctx, a) -> ok(
                                ctx,
                                views.list(identities.teams().stream()
                                        .map(views::team)
                                        .toList()))));
        routes.post("/admin/teams", exchanges.admin("teams.create", (ctx, a) -> {
            ObjectNode body = bodies.read(ctx);
            Team team = identities.createTeam(text(body, "name", null), strings(body, "allowed_models"));
            ctx.status(201);
            ok(ctx, views.team(team));
        }));
        routes.put(
                "/admin/teams/{team}/models",
                exchanges.admin(
                        "teams.set_models",
                        (ctx, a) -> ok(
                                ctx,
                                views.team(identities.setTeamModels(
                                        ctx.pathParam("team"), strings(bodies.read(ctx), "allowed_models"))))));
        routes.delete("/admin/teams/{team}", exchanges.admin("teams.delete", (ctx, a) -> {
            identities.deleteTeam(ctx.pathParam("team"));
            ctx.status(204);
        }));

        routes.get("/admin/keys", exchanges.admin("keys.list", (ctx, a) -> {
            String user = ctx.queryParam("user");
            String userId = user == null ? null : identities.user(user).id();
            Map<String, User> users = usersById();
            ok(
                    ctx,
                    views.list(identities.keys().stream()
                            .filter(k -> userId == null || k.userId().equals(userId))
                            .map(k -> views.key(k, users, teams()))
                            .toList()));
        }));
        routes.post("/admin/keys", exchanges.admin("keys.create", (ctx, a) -> {
            ObjectNode body = bodies.read(ctx);
            IdentityAdmin.IssuedKey issued = identities.createKey(
                    text(body, "user", null),
                    text(body, "team", null),
                    strings(body, "allowed_models"),
                    body.hasNonNull("requests_per_minute") ? integer(body, "requests_per_minute") : null,
                    instant(text(body, "expires_at", null), "expires_at"),
                    text(body, "label", ""),
                    body.path("admin").asBoolean(false),
                    null,
                    strings(body, "fallback_models"));
            ctx.status(201);
            ok(ctx, views.issuedKey(issued, usersById(), teams()));
        }));
        routes.put(
                "/admin/keys/{key}/fallbacks",
                exchanges.admin(
                        "keys.fallbacks",
                        (ctx, a) -> ok(
                                ctx,
                                views.key(
                                        identities.setKeyFallbacks(
                                                ctx.pathParam("key"), strings(bodies.read(ctx), "fallback_models")),
                                        usersById(),
                                        teams()))));
        routes.post(
                "/admin/keys/{key}/revoke",
                exchanges.admin(
                        "keys.revoke",
                        (ctx, a) ->
                                ok(ctx, views.key(identities.revokeKey(ctx.pathParam("key")), usersById(), teams()))));
        routes.post("/admin/keys/{key}/rotate", exchanges.admin("keys.rotate", (ctx, a) -> {
            ctx.status(201);
            ok(ctx, views.issuedKey(identities.rotateKey(ctx.pathParam("key")), usersById(), teams()));
        }));

        for (LimitsStore.Scope scope : LimitsStore.Scope.values()) {
            String collection = switch (scope) {
                case KEY -> "keys";
                case USER -> "users";
                case TEAM -> "teams";
            };
            routes.get(
                    "/admin/" + collection + "/{id}/limits",
                    exchanges.admin(
                            collection + ".limits.show",
                            (ctx, a) -> ok(
                                    ctx,
                                    limitsCodec.write(limits.effective(scope, scopeId(scope, ctx.pathParam("id")))))));
            // Both answer what admission enforces (a key's unset fields show the configured defaults):
            // the change is published and reloaded before setLimits returns.
            routes.put(
                    "/admin/" + collection + "/{id}/limits", exchanges.admin(collection + ".limits.set", (ctx, a) -> {
                        identities.setLimits(scope, ctx.pathParam("id"), limitsCodec.parse(bodies.read(ctx)));
                        ok(ctx, limitsCodec.write(limits.effective(scope, scopeId(scope, ctx.pathParam("id")))));
                    }));
        }
        routes.get("/admin/usage", exchanges.admin("usage.report", this::usageReport));

        routes.get("/admin/models", exchanges.admin("models.list", (ctx, a) -> ok(ctx, views.list(models()))));
        routes.get(
                "/admin/backends", exchanges.admin("backends.list", (ctx, a) -> ok(ctx, views.list(probeBackends()))));
        routes.get(
                "/admin/models/{model}/info",
                exchanges.admin("models.info", (ctx, a) -> ok(ctx, modelInfo(route(ctx.pathParam("model"))))));
        routes.post("/admin/models/{model}/unload", exchanges.admin("models.unload", (ctx, a) -> {
            ModelRoute route = route(ctx.pathParam("model"));
            Backend.Unload unload = families.unload(route.publicName(), null);
            ObjectNode body = json.createObjectNode();
            body.put("model", route.publicName());
            body.put("supported", unload.supported());
            body.put("confirmed", unload.confirmed());
            body.put("detail", unload.detail());
            ok(ctx, body);
        }));

        routes.get("/admin/audit", exchanges.admin("audit.query", (ctx, a) -> {
            AuditRecords.Page page = records.page(
                    filter(ctx), beforeSeq(ctx.queryParam("before_seq")), parseLimit(ctx.queryParam("limit")));
            ObjectNode body = views.list(page.records());
            body.put("has_more", page.nextBeforeSeq() != null);
            if (page.nextBeforeSeq() == null) {
                body.putNull("next_before_seq");
            } else {
                body.put("next_before_seq", page.nextBeforeSeq());
            }
            ok(ctx, body);
        }));
        routes.get("/admin/audit/export", exchanges.admin("audit.export", this::export));
        routes.get("/admin/audit/verify", exchanges.admin("audit.verify", (ctx, a) -> {
            AuditVerifier.Result result = verifier.verify();
            ObjectNode body = json.createObjectNode();
            body.put("intact", result.intact());
            body.put("records", result.records());
            body.put("first_broken_seq", result.firstBrokenSeq());
            body.put("problem", result.problem());
            body.put("head_hash", result.headHash());
            body.set("anchoring", anchoring(result.anchoring()));
            // The server checks the stored chain from its anchor; the archive is checked with `audit verify --archive`.
            body.putObject("archive")
                    .put("archived_through", result.archive().archivedThrough())
                    .put("checked", result.archive().checked())
                    .put("unchecked_checkpoints", result.archive().uncheckedCheckpoints());
            ok(ctx, body);
        }));
    }

    /** The chain against this replica's own checkpoint file (other replicas' files: {@code palisade audit verify --checkpoints}). */
    private ObjectNode anchoring(AuditVerifier.Anchoring anchoring) {
        ObjectNode node = json.createObjectNode();
        ArrayNode files = node.putArray("checkpoint_files");
        anchoring.files().forEach(file -> files.add(file.toString()));
        ArrayNode missing = node.putArray("missing_checkpoint_files");
        anchoring.missingFiles().forEach(file -> missing.add(file.toString()));
        node.put("checkpoints", anchoring.checkpoints());
        node.put("signatures_checked", anchoring.signaturesChecked());
        node.put("anchored_seq", anchoring.anchoredSeq());
        node.put(
                "anchored_at",
                anchoring.anchoredAt() == null ? null : anchoring.anchoredAt().toString());
        node.put("anchored_by", anchoring.anchoredBy());
        node.put("problem_count", anchoring.problemCount());
        ArrayNode problems = node.putArray("problems");
        for (AuditVerifier.Problem problem : anchoring.problems()) {
            problems.addObject()
                    .put("kind", problem.kind().name().toLowerCase(Locale.ROOT))
                    .put("seq", problem.seq())
                    .put("detail", problem.detail());
        }
        return node;
    }

    private ModelRoute route(String name) {
        ModelRoute route = catalog.find(name);
        if (route == null) {
            throw new PalisadeException(ErrorCode.MODEL_NOT_FOUND, "the model '" + name + "' does not exist", "model");
        }
        return route;
    }

    /** Where a model is served and its family: from the config, else from the backend's metadata. */
    private ObjectNode modelInfo(ModelRoute route) {
        ObjectNode node = json.createObjectNode();
        node.put("name", route.publicName());
        node.put("backend", route.backend());
        node.put("upstream_model", route.upstreamModel());
        ModelFamilies.Family family = families.of(route.publicName());
        node.put("family", family.name());
        node.put("family_source", family.source());
        return node;
    }

    private String scopeId(LimitsStore.Scope scope, String idOrName) {
        return switch (scope) {
            case KEY -> identities.key(idOrName).id();
            case USER -> identities.user(idOrName).id();
            case TEAM -> identities.team(idOrName).id();
        };
    }

    /** GET /admin/usage?by=user,model,day&since=&until=&format=json|csv */
    private void usageReport(Context ctx, io.palisade.admission.AdmittedRequest admitted) {
        String by = ctx.queryParam("by");
        List<String> groups = by == null || by.isBlank() ? List.of() : List.of(by.split(","));
        for (String group : groups) {
            if (!UsageStore.GROUPS.contains(group)) {
                throw new PalisadeException(
                        ErrorCode.INVALID_REQUEST,
                        "'by' takes a comma-separated list of "
                                + String.join(
                                        ", ",
                                        UsageStore.GROUPS.stream().sorted().toList()) + "; got '" + group + "'",
                        "by");
            }
        }
        List<UsageStore.UsageRow> rows =
                usage.report(groups, time(ctx.queryParam("since"), "since"), time(ctx.queryParam("until"), "until"));
        String format = ctx.queryParam("format") == null ? "json" : ctx.queryParam("format");
        if (format.equals("csv")) {
            ctx.contentType("text/csv; charset=utf-8").result(UsageCsv.write(groups, rows));
            return;
        }
        if (!format.equals("json")) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'format' must be json or csv", "format");
        }
        List<ObjectNode> items = new ArrayList<>();
        for (UsageStore.UsageRow row : rows) {
            ObjectNode item = json.createObjectNode();
            row.group().forEach(item::put);
            item.put("requests", row.requests());
            item.put("prompt_tokens", row.promptTokens());
            item.put("completion_tokens", row.completionTokens());
            item.put("total_tokens", row.promptTokens() + row.completionTokens());
            item.put("cost", row.costMicros() / 1_000_000.0);
            item.put("refusals", row.refusals());
            items.add(item);
        }
        ok(ctx, views.list(items));
    }

    private void deleteUser(Context ctx, io.palisade.admission.AdmittedRequest admitted) throws Exception {
        User user = identities.user(ctx.pathParam("user"));
        String export = ctx.queryParam("export");
        boolean force = "true".equalsIgnoreCase(ctx.queryParam("force"));
        if (export != null) {
            AuditExportFormat format = format(export);
            StringWriter out = new StringWriter();
            long exportedSeq = records.export(AuditFilter.ofUser(user.id()), format, out);
            identities.markExported(user.id(), exportedSeq);
            identities.deleteUser(user.id(), force);
            ctx.status(200).contentType(format.contentType()).result(out.toString());
            return;
        }
        identities.deleteUser(user.id(), force);
        ctx.status(204);
    }

    private void export(Context ctx, io.palisade.admission.AdmittedRequest admitted) throws Exception {
        AuditExportFormat format = format(ctx.queryParam("format"));
        AuditFilter filter = filter(ctx);
        ctx.status(200).contentType(format.contentType());
        // Written as read, a chunk of records at a time: an export of the whole chain holds one chunk.
        Writer out = new OutputStreamWriter(ctx.res().getOutputStream(), StandardCharsets.UTF_8);
        long exportedSeq = records.export(filter, format, out);
        if (filter.isAllOfOneUser()) {
            identities.markExported(filter.userId(), exportedSeq);
        }
    }

    /** The audit search of a query: {@code user}, {@code key}, {@code model}, {@code decision}, {@code client_request_id}, {@code since}, {@code until}. */
    private AuditFilter filter(Context ctx) {
        String user = ctx.queryParam("user");
        String userId = user == null ? null : identities.user(user).id();
        String decision = ctx.queryParam("decision");
        if (decision != null && !decision.equals("allowed") && !decision.equals("denied")) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'decision' must be allowed or denied", "decision");
        }
        return new AuditFilter(
                userId,
                ctx.queryParam("key"),
                ctx.queryParam("model"),
                decision,
                ctx.queryParam("client_request_id"),
                time(ctx.queryParam("since"), "since"),
                time(ctx.queryParam("until"), "until"));
    }

    private static Long beforeSeq(String text) {
        if (text == null) {
            return null;
        }
        try {
            long seq = Long.parseLong(text);
            if (seq < 1) {
                throw new NumberFormatException();
            }
            return seq;
        } catch (NumberFormatException e) {
            throw new PalisadeException(
                    ErrorCode.INVALID_REQUEST,
                    "'before_seq' must be a positive whole number (a page's next_before_seq)",
                    "before_seq");
        }
    }

    private List<ObjectNode> models() {
        List<ObjectNode> models = new ArrayList<>();
        catalog.all().stream()
                .sorted(Comparator.comparing(ModelRoute::publicName))
                .forEach(route -> {
                    ObjectNode node = json.createObjectNode();
                    node.put("name", route.publicName());
                    node.put("backend", route.backend());
                    node.put("upstream_model", route.upstreamModel());
                    node.put("source", route.discovered() ? "discovered" : "configured");
                    Boolean reachable = catalog.reachable(route.backend());
                    if (reachable == null) {
                        node.putNull("backend_reachable");
                    } else {
                        node.put("backend_reachable", reachable);
                    }
                    models.add(node);
                });
        return models;
    }

    private List<ObjectNode> probeBackends() {
        List<ObjectNode> result = new ArrayList<>();
        Map<String, BackendHealth.Probe> probes = health.probeNow(
                backendConfigs.get().stream().map(BackendConfig::name).toList());
        for (BackendConfig config : backendConfigs.get()) {
            ObjectNode node = json.createObjectNode();
            node.put("name", config.name());
            node.put("kind", config.kind().name().toLowerCase(Locale.ROOT));
            node.put(
                    "url",
                    config.url().getScheme() + "://" + config.url().getHost()
                            + (config.url().getPort() > 0 ? ":" + config.url().getPort() : "")
                            + config.url().getPath());
            BackendHealth.Probe probe =
                    probes.containsKey(config.name()) ? probes.get(config.name()) : health.probe(config.name());
            node.put("reachable", probe.up());
            node.put("models", probe.models());
            node.put("probe_ms", probe.latencyMillis());
            if (probe.error() != null) {
                node.put("error", probe.error());
            }
            result.add(node);
        }
        return result;
    }

    private Map<String, Team> teams() {
        return AdminViews.index(identities.teams(), Team::id);
    }

    private Map<String, User> usersById() {
        return AdminViews.index(identities.users(), User::id);
    }

    private static void ok(Context ctx, JsonNode body) {
        ctx.contentType("application/json").result(body.toString());
    }

    private static AuditExportFormat format(String text) {
        try {
            return AuditExportFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, e.getMessage(), "format");
        }
    }

    private static UserStatus parseStatus(String text) {
        try {
            return UserStatus.parse(text);
        } catch (IllegalArgumentException e) {
            throw new PalisadeException(
                    ErrorCode.INVALID_REQUEST, "'status' must be pending, active or disabled", "status");
        }
    }

    private static int parseLimit(String text) {
        if (text == null) {
            return AuditRecords.DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit < 1 || limit > AuditRecords.MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new PalisadeException(
                    ErrorCode.INVALID_REQUEST,
                    "'limit' must be a whole number from 1 to " + AuditRecords.MAX_LIMIT,
                    "limit");
        }
    }

    private static String time(String text, String param) {
        Instant instant = instant(text, param);
        return instant == null ? null : instant.toString();
    }

    private static Instant instant(String text, String param) {
        try {
            return TimeBound.parse(text, "'" + param + "'");
        } catch (IllegalArgumentException e) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, e.getMessage(), param);
        }
    }

    private static String text(ObjectNode body, String field, String fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'" + field + "' must be a string", field);
        }
        return value.asText();
    }

    private static Integer integer(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'" + field + "' must be a whole number", field);
        }
        return value.asInt();
    }

    private static List<String> strings(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new PalisadeException(
                    ErrorCode.INVALID_REQUEST, "'" + field + "' must be an array of strings", field);
        }
        List<String> list = new ArrayList<>();
        for (JsonNode item : (ArrayNode) value) {
            if (!item.isTextual()) {
                throw new PalisadeException(
                        ErrorCode.INVALID_REQUEST, "'" + field + "' must be an array of strings", field);
            }
            list.add(item.asText());
        }
        return list;
    }
}
