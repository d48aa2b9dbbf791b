package io.palisade.api.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.palisade.admission.AdmittedRequest;
import io.palisade.admission.PolicyDecisionPoint;
import io.palisade.audit.ContentCapture;
import io.palisade.audit.RequestRecord;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.http.JsonAnswer;
import io.palisade.http.ServletEventSink;
import io.palisade.metrics.LifecycleMetrics;
import io.palisade.routing.AttemptRecord;
import io.palisade.routing.Deployment;
import io.palisade.routing.Failover;
import io.palisade.routing.ModelCatalog;
import io.palisade.routing.ModelRoute;
import io.palisade.upstream.EventSink;
import io.palisade.upstream.Operation;
import io.palisade.upstream.StreamOutcome;
import io.palisade.upstream.UpstreamAnswer;
import io.palisade.upstream.UpstreamCall;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * The OpenAI-compatible endpoints, after admission: forward through {@link Failover} (deployment
 * choice, retries, fallbacks) and answer in OpenAI's shape, relaying streams event by event.
 * Thread-safe.
 */
public final class OpenAiRoutes {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /** How many attempts the answer took (1 when the first deployment answered). */
    public static final String ATTEMPTS_HEADER = "X-Palisade-Attempts";
    /** Set when a fallback model answered: its public name. */
    public static final String SERVED_MODEL_HEADER = "X-Palisade-Served-Model";

    public static final String DEPLOYMENT_HEADER = "X-Palisade-Deployment";

    private final Failover failover;
    private final LifecycleMetrics metrics;
    private final ModelCatalog catalog;
    private final ObjectMapper json;
    private final ContentCapture capture;

    public OpenAiRoutes(
            Failover failover,
            ModelCatalog catalog,
            ObjectMapper json,
            ContentCapture capture,
            LifecycleMetrics metrics) {
        this.metrics = metrics;
        this.failover = failover;
        this.catalog = catalog;
        this.json = json;
        this.capture = capture;
    }

    /** POST /v1/chat/completions, /v1/completions, /v1/embeddings. */
    public void forward(
            Context ctx, RequestRecord record, ObjectNode body, AdmittedRequest admitted, Operation operation)
            throws IOException {
        ModelRoute route = admitted.route();
        String prompt = capture.prompt(body);
        StringBuilder captured = capture.enabled() && body.path("stream").asBoolean(false) ? new StringBuilder() : null;
        EventSink sink = new ServletEventSink(ctx, record, admitted.rateLimitHeaders(), captured);
        record.estimatedPromptTokens(admitted.ticket().reservedPrompt());
        Failover.Result<Object> result;
        try {
            Failover.Request request = new Failover.Request(
                    admitted.caller(),
                    candidate -> PolicyDecisionPoint.mayUse(admitted.caller(), candidate),
                    confinedTo(ctx, admitted),
                    record.startNanos(),
                    record::firstByteNanos);
            result = failover.run(route, request, OpenAiRoutes::brokenAfterStart, (model, deployment, attempt) -> {
                ctx.header(ATTEMPTS_HEADER, Integer.toString(attempt));
                if (!model.publicName().equals(route.publicName())) {
                    ctx.header(SERVED_MODEL_HEADER, model.publicName());
                }
                UpstreamCall call = new UpstreamCall(
                        operation,
                        body,
                        model.publicName(),
                        deployment.upstreamModel(),
                        record.requestId(),
                        record.trace().backendTraceparent());
                long sent = System.nanoTime();
                try {
                    return call.stream()
                            ? deployment.backend().stream(call, sink)
                            : deployment.backend().call(call);
                } finally {
                    record.upstreamTime(sent, System.nanoTime() - sent);
                }
            });
        } catch (Failover.Exhausted e) {
            List<AttemptRecord> attempts = e.attempts();
            count(attempts);
            if (!attempts.isEmpty()) {
                AttemptRecord last = attempts.get(attempts.size() - 1);
                record.answeredBy(last.deployment(), last.model(), last.backend(), last.upstreamModel(), attempts);
            }
            ctx.header(ATTEMPTS_HEADER, Integer.toString(attempts.size()));
            ctx.res().setHeader(SERVED_MODEL_HEADER, null);
            throw e.failure();
        }
        Deployment deployment = result.deployment();
        count(result.attempts());
        record.answeredBy(
                deployment.id(),
                result.route().publicName(),
                deployment.backendName(),
                deployment.upstreamModel(),
                result.attempts());
        if (!result.route().publicName().equals(route.publicName())) {
            metrics.fallback(route.publicName(), result.route().publicName());
        }
        if (result.value() instanceof StreamOutcome outcome) {
            finishStream(ctx, record, sink, outcome, prompt, captured);
            return;
        }
        UpstreamAnswer answer = (UpstreamAnswer) result.value();
        record.usage(answer.usage());
        record.content(prompt, capture.answer(answer.body()));
        admitted.rateLimitHeaders().forEach(ctx::header);
        byte[] bytes = json.writeValueAsBytes(answer.body());
        record.firstByte(System.nanoTime());
        JsonAnswer.send(ctx, record, 200, bytes);
    }

    /**
     * The deployment named in {@value #DEPLOYMENT_HEADER}, to which the request is confined
     * (administrators and the evaluator, to test one deployment such as a canary candidate); null
     * without the header: the router chooses.
     */
    private static Deployment confinedTo(Context ctx, AdmittedRequest admitted) {
        ModelRoute route = admitted.route();
        String wanted = ctx.header(DEPLOYMENT_HEADER);
        if (wanted == null || wanted.isBlank()) {
            return null;
        }
        if (!admitted.caller().key().admin() && !admitted.caller().user().evaluator()) {
            throw new PalisadeException(
                    ErrorCode.ADMIN_REQUIRED,
                    "only administrator and evaluation keys may choose a deployment with " + DEPLOYMENT_HEADER);
        }
        Deployment deployment = route.deployment(wanted.trim());
        if (deployment == null) {
            throw new PalisadeException(
                    ErrorCode.INVALID_REQUEST,
                    "the model '" + route.publicName() + "' has no deployment '" + wanted.trim() + "'",
                    DEPLOYMENT_HEADER);
        }
        return deployment;
    }

    /** A stream the backend cut midway; one the caller left is no fault of the deployment's. */
    private static boolean brokenAfterStart(Object answer) {
        return answer instanceof StreamOutcome outcome && outcome.error() != null && !outcome.callerGone();
    }

    private void count(List<AttemptRecord> attempts) {
        attempts.forEach(attempt -> metrics.attempt(attempt.model(), attempt.deployment(), attempt.outcome()));
    }

    private void finishStream(
            Context ctx,
            RequestRecord record,
            EventSink sink,
            StreamOutcome outcome,
            String prompt,
            StringBuilder captured)
            throws IOException {
        record.usage(outcome.usage());
        record.content(prompt, captured == null ? null : capture.streamedAnswer(captured));
        record.answerEnding();
        if (outcome.error() == null) {
            try {
                ctx.res().getOutputStream().write(DONE);
                ctx.res().getOutputStream().flush();
            } catch (IOException callerGone) {
                record.failureReason("client_disconnected");
            }
            return;
        }
        record.upstreamError(outcome.error());
        record.failureReason(outcome.callerGone() ? "client_disconnected" : "upstream_stream_interrupted");
        if (!outcome.callerGone()) {
            record.upstreamErrorKind("protocol");
            writeStreamError(ctx, sink, outcome.error());
        }
    }

    /** GET /v1/models: only the models this key may use. */
    public void listModels(Context ctx, RequestRecord record, AdmittedRequest admitted) {
        ArrayNode data = json.createArrayNode();
        catalog.all().stream()
                .filter(route -> PolicyDecisionPoint.mayUse(admitted.caller(), route))
                .sorted(Comparator.comparing(ModelRoute::publicName))
                .forEach(route -> data.add(model(route)));
        ObjectNode body = json.createObjectNode();
        body.put("object", "list");
        body.set("data", data);
        admitted.rateLimitHeaders().forEach(ctx::header);
        ctx.status(200).contentType("application/json").result(body.toString());
    }

    /** GET /v1/models/{model}: 404 for models that do not exist or that this key may not use. */
    public void retrieveModel(Context ctx, RequestRecord record, AdmittedRequest admitted) {
        String name = ctx.pathParam("model");
        record.requestedModel(name);
        ModelRoute route = PolicyDecisionPoint.grantedRoute(admitted.caller(), name, catalog.find(name));
        ctx.status(200).contentType("application/json").result(model(route).toString());
    }

    private ObjectNode model(ModelRoute route) {
        ObjectNode model = json.createObjectNode();
        model.put("id", route.publicName());
        model.put("object", "model");
        model.put("created", 0);
        model.put("owned_by", route.backend());
        return model;
    }

    private void writeStreamError(Context ctx, EventSink sink, String message) throws IOException {
        if (!sink.started()) {
            throw new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, message);
        }
        OutputStream out = ctx.res().getOutputStream();
        PalisadeException error = new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, message);
        try {
            out.write(("data: " + OpenAiErrors.body(error) + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException ignored) {
            // the caller is gone too; the audit records the interruption either way
        }
    }
}
