package io.palisade.api.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.palisade.admission.AdmittedRequest;
import io.palisade.admission.PolicyDecisionPoint;
import io.palisade.audit.ContentCapture;
import io.palisade.audit.RequestRecord;
import io.palisade.routing.ModelCatalog;
import io.palisade.routing.ModelRoute;
import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;
import io.palisade.server.ServletEventSink;
import io.palisade.upstream.Backend;
import io.palisade.upstream.EventSink;
import io.palisade.upstream.Operation;
import io.palisade.upstream.StreamOutcome;
import io.palisade.upstream.UpstreamAnswer;
import io.palisade.upstream.UpstreamCall;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;

/**
 * The OpenAI-compatible endpoints, after admission: forward to the routed backend and answer in
 * OpenAI's shape, relaying streams event by event. Thread-safe.
 */
public final class OpenAiRoutes {
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, Backend> backends;
    private final ModelCatalog catalog;
    private final ObjectMapper json;
    private final ContentCapture capture;

    public OpenAiRoutes(Map<String, Backend> backends, ModelCatalog catalog, ObjectMapper json, ContentCapture capture) {
        this.backends = Map.copyOf(backends);
        this.catalog = catalog;
        this.json = json;
        this.capture = capture;
    }

    /** POST /v1/chat/completions, /v1/completions, /v1/embeddings. */
    public void forward(Context ctx, RequestRecord record, ObjectNode body, AdmittedRequest admitted,
            Operation operation) throws IOException {
        ModelRoute route = admitted.route();
        Backend backend = backends.get(route.backend());
        if (backend == null) {
            throw new PalisadeException(ErrorCode.UPSTREAM_UNAVAILABLE, "backend '" + route.backend() + "' is not configured");
        }
        UpstreamCall call = new UpstreamCall(operation, body, route.publicName(), route.upstreamModel(), record.requestId(),
                record.trace().backendTraceparent());
        String prompt = capture.prompt(body);
        if (call.stream()) {
            StringBuilder captured = capture.enabled() ? new StringBuilder() : null;
            EventSink sink = new ServletEventSink(ctx, record, admitted.rateLimitHeaders(), captured);
            long sent = System.nanoTime();
            StreamOutcome outcome;
            try {
                outcome = backend.stream(call, sink);
            } finally {
                record.upstreamTime(sent, System.nanoTime() - sent);
            }
            record.usage(outcome.usage());
            record.content(prompt, captured == null ? null : capture.streamedAnswer(captured));
            if (outcome.error() == null) {
                try {
                    ctx.res().getOutputStream().write(DONE);
                    ctx.res().getOutputStream().flush();
                } catch (IOException callerGone) {
                    record.failureReason("client_disconnected");
                }
            } else {
                record.upstreamError(outcome.error());
                record.failureReason(outcome.callerGone() ? "client_disconnected" : "upstream_stream_interrupted");
                if (!outcome.callerGone()) {
                    record.upstreamErrorKind("protocol");
                    writeStreamError(ctx, sink, outcome.error());
                }
            }
            return;
        }
        long sent = System.nanoTime();
        UpstreamAnswer answer;
        try {
            answer = backend.call(call);
        } finally {
            record.upstreamTime(sent, System.nanoTime() - sent);
        }
        record.usage(answer.usage());
        record.content(prompt, capture.answer(answer.body()));
        admitted.rateLimitHeaders().forEach(ctx::header);
        record.firstByte(System.nanoTime());
        ctx.status(200).contentType("application/json").result(json.writeValueAsBytes(answer.body()));
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
        ModelRoute route = catalog.find(name);
        if (route == null || !PolicyDecisionPoint.mayUse(admitted.caller(), route)) {
            throw new PalisadeException(ErrorCode.MODEL_NOT_FOUND, "the model '" + name + "' does not exist", "model");
        }
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
