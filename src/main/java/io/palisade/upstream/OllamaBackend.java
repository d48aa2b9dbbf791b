package io.palisade.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.config.BackendConfig;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.upstream.ollama.OllamaStreamTranslator;
import io.palisade.upstream.ollama.OllamaToOpenAi;
import io.palisade.upstream.ollama.OllamaUnsupportedFields;
import io.palisade.upstream.ollama.OpenAiToOllama;
import io.palisade.usage.TokenUsage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An Ollama server spoken to in its native API (/api/chat, /api/generate, /api/embed), so that
 * Ollama-only features ({@code think}, {@code keep_alive}, options, token counts) survive the trip.
 * The translation itself lives in {@code upstream.ollama}; this class moves bytes and relays the
 * NDJSON stream line by line as OpenAI chunks. Thread-safe.
 */
public final class OllamaBackend implements Backend {
    private final BackendConfig config;
    private final UpstreamHttp http;
    private final UpstreamHttp checks; // discovery, probes and pin checks: the short limit for checks
    private final ObjectMapper json;
    private final Clock clock;
    private final OpenAiToOllama requests;
    private final OllamaToOpenAi responses;

    public OllamaBackend(BackendConfig config, UpstreamHttp http, ObjectMapper json, Clock clock) {
        this.config = config;
        this.http = http;
        this.checks = http.forChecks();
        this.json = json;
        this.clock = clock;
        this.requests = new OpenAiToOllama(json);
        this.responses = new OllamaToOpenAi(json);
    }

    /** Ollama's native API cannot honour n > 1, log probabilities, a forced tool choice or remote images. */
    @Override
    public PalisadeException refusal(ObjectNode request) {
        return OllamaUnsupportedFields.refusal(request);
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public UpstreamAnswer call(UpstreamCall call) {
        ObjectNode request = translate(call);
        request.put("stream", false);
        try (UpstreamHttp.Exchange exchange =
                http.post(path(call.operation()), bytes(request), call.requestId(), call.headers())) {
            JsonNode answer = http.readJson(exchange);
            String id = responseId(call);
            long created = clock.instant().getEpochSecond();
            ObjectNode body = switch (call.operation()) {
                case CHAT -> responses.chatResponse(answer, call.publicModel(), id, created);
                case COMPLETION -> responses.completionResponse(answer, call.publicModel(), id, created);
                case EMBEDDING ->
                    responses.embeddingResponse(
                            answer,
                            call.publicModel(),
                            "base64".equals(call.body().path("encoding_format").asText()));
            };
            return new UpstreamAnswer(body, responses.usageOf(answer));
        }
    }

    @Override
    public StreamOutcome stream(UpstreamCall call, EventSink sink) {
        if (call.operation() == Operation.EMBEDDING) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "embeddings cannot be streamed", "stream");
        }
        ObjectNode request = translate(call);
        request.put("stream", true);
        OllamaStreamTranslator translator = new OllamaStreamTranslator(
                json,
                call.operation() == Operation.CHAT
                        ? OllamaStreamTranslator.Kind.CHAT
                        : OllamaStreamTranslator.Kind.COMPLETION,
                call.publicModel(),
                responseId(call),
                clock.instant().getEpochSecond(),
                call.callerWantsStreamUsage());
        try (UpstreamHttp.Exchange exchange =
                        http.post(path(call.operation()), bytes(request), call.requestId(), call.headers());
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(exchange.body(), StandardCharsets.UTF_8))) {
            try {
                while (!translator.finished()) {
                    String line;
                    try {
                        line = reader.readLine();
                    } catch (IOException e) {
                        return interrupted(
                                sink, translator, http.failure(e, "bad stream").getMessage());
                    }
                    if (line == null) {
                        return interrupted(
                                sink, translator, "backend '" + name() + "' ended the stream before it was complete");
                    }
                    if (line.isBlank()) {
                        continue;
                    }
                    List<ObjectNode> chunks;
                    try {
                        chunks = translator.onLine(json.readTree(line));
                    } catch (PalisadeException e) {
                        return interrupted(sink, translator, e.getMessage());
                    } catch (IOException e) {
                        return interrupted(sink, translator, "backend '" + name() + "' sent a line that is not JSON");
                    }
                    for (ObjectNode chunk : chunks) {
                        sink.event(chunk.toString());
                    }
                }
                return StreamOutcome.finished(translator.usage());
            } finally {
                if (!translator.finished()) {
                    // The caller is gone or the stream broke off while the backend may still be generating:
                    // draining the rest for the pool would only hold this thread (and the backend) up.
                    exchange.abandon();
                }
            }
        } catch (IOException e) {
            return StreamOutcome.callerDisconnected(translator.finished() ? translator.usage() : TokenUsage.UNKNOWN);
        }
    }

    @Override
    public List<String> listModels() {
        try (UpstreamHttp.Exchange exchange = checks.get("/api/tags", "discovery")) {
            List<String> models = new ArrayList<>();
            for (JsonNode model : checks.readJson(exchange).path("models")) {
                models.add(model.path("name").asText());
            }
            return models;
        }
    }

    /** Ollama reports the family in /api/show details. */
    @Override
    public String family(String upstreamModel) {
        ObjectNode request = json.createObjectNode().put("model", upstreamModel);
        try (UpstreamHttp.Exchange exchange = http.post("/api/show", bytes(request), "model-info", Map.of())) {
            String family =
                    http.readJson(exchange).path("details").path("family").asText("");
            return family.isBlank() ? null : family;
        } catch (PalisadeException e) {
            return null;
        }
    }

    /**
     * The manifest digest of the model as /api/tags lists it (Ollama treats "name" as "name:latest").
     * A model missing there is looked up with /api/show, which accepts other spellings; Ollama itself
     * puts no digest in that answer, some builds and the simulator do.
     */
    @Override
    public ServedModel served(String upstreamModel) {
        String wanted = withDefaultTag(upstreamModel);
        try (UpstreamHttp.Exchange exchange = checks.get("/api/tags", "pin-check")) {
            for (JsonNode model : checks.readJson(exchange).path("models")) {
                if (wanted.equals(withDefaultTag(model.path("name").asText()))
                        || wanted.equals(withDefaultTag(model.path("model").asText()))) {
                    String digest = model.path("digest").asText("");
                    if (!digest.isBlank()) {
                        return new ServedModel(
                                digest,
                                null,
                                null,
                                "digest of " + model.path("name").asText() + " from /api/tags");
                    }
                }
            }
        }
        ObjectNode request = json.createObjectNode().put("model", upstreamModel);
        JsonNode shown;
        try (UpstreamHttp.Exchange exchange = checks.post("/api/show", bytes(request), "pin-check", Map.of())) {
            shown = checks.readJson(exchange);
        } catch (PalisadeException e) {
            if (ServedModel.answeredNotFound(e)) {
                throw new PalisadeException(
                        ErrorCode.MODEL_NOT_FOUND,
                        "backend '" + name() + "' does not serve model '" + upstreamModel + "'");
            }
            throw e;
        }
        String digest = shown.path("digest").asText("");
        return digest.isBlank()
                ? ServedModel.unreported("backend '" + name() + "' serves '" + upstreamModel
                        + "' but lists no digest for it in /api/tags")
                : new ServedModel(digest, null, null, "digest of " + upstreamModel + " from /api/show");
    }

    /** "llama3.2" → "llama3.2:latest"; a registry host's port ("host:5000/model") is not a tag. */
    private static String withDefaultTag(String model) {
        String last = model.substring(model.lastIndexOf('/') + 1);
        return model.isEmpty() || last.contains(":") ? model : model + ":latest";
    }

    /** keep_alive 0 on an empty generate request unloads; /api/ps then confirms it is gone. */
    @Override
    public Unload unload(String upstreamModel) {
        ObjectNode request = json.createObjectNode()
                .put("model", upstreamModel)
                .put("keep_alive", 0)
                .put("stream", false);
        try (UpstreamHttp.Exchange exchange = http.post("/api/generate", bytes(request), "unload", Map.of())) {
            http.readJson(exchange);
        }
        try (UpstreamHttp.Exchange exchange = http.get("/api/ps", "unload")) {
            for (JsonNode loaded : http.readJson(exchange).path("models")) {
                if (upstreamModel.equals(loaded.path("name").asText())
                        || upstreamModel.equals(loaded.path("model").asText())
                        || (upstreamModel + ":latest")
                                .equals(loaded.path("name").asText())) {
                    return new Unload(true, false, "still listed by /api/ps after keep_alive 0");
                }
            }
        }
        return new Unload(true, true, "unloaded (confirmed by /api/ps)");
    }

    private ObjectNode translate(UpstreamCall call) {
        return switch (call.operation()) {
            case CHAT -> requests.chatRequest(call.body(), call.upstreamModel());
            case COMPLETION -> requests.completionRequest(call.body(), call.upstreamModel());
            case EMBEDDING -> requests.embeddingRequest(call.body(), call.upstreamModel());
        };
    }

    private StreamOutcome interrupted(EventSink sink, OllamaStreamTranslator translator, String reason) {
        if (!sink.started()) {
            throw new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, reason);
        }
        return StreamOutcome.broken(translator.finished() ? translator.usage() : TokenUsage.UNKNOWN, reason);
    }

    private static String path(Operation operation) {
        return switch (operation) {
            case CHAT -> "/api/chat";
            case COMPLETION -> "/api/generate";
            case EMBEDDING -> "/api/embed";
        };
    }

    private static String responseId(UpstreamCall call) {
        return (call.operation() == Operation.CHAT ? "chatcmpl-" : "cmpl-") + call.requestId();
    }

    private byte[] bytes(ObjectNode request) {
        try {
            return json.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new PalisadeException(ErrorCode.INTERNAL, "cannot encode the request");
        }
    }
}
