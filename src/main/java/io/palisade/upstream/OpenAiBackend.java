package io.palisade.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.config.BackendConfig;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.usage.TokenUsage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An OpenAI-compatible backend (vLLM, llama.cpp server, TGI, LM Studio, SGLang, cloud APIs).
 * The request is forwarded with every field the caller sent, only {@code model} replaced by the
 * upstream name; for streams it asks for a final usage chunk ({@code stream_options.include_usage})
 * so tokens are accounted, and drops that chunk again if the caller did not ask for it.
 * Stream events are relayed one by one as they arrive. Thread-safe.
 */
public final class OpenAiBackend implements Backend {
    private final BackendConfig config;
    private final UpstreamHttp http;
    private final ObjectMapper json;
    private final String pathPrefix;
    private final UpstreamHttp checks; // discovery and probes: the short limit for checks
    private final UpstreamHttp serverRootChecks; // pin checks

    /**
     * {@code serverRoot} speaks to {@link #serverRoot(BackendConfig)}, where TGI and llama.cpp
     * describe their model: {@code http} itself when the URL has no trailing /v1.
     */
    public OpenAiBackend(BackendConfig config, UpstreamHttp http, UpstreamHttp serverRoot, ObjectMapper json) {
        this.config = config;
        this.http = http;
        this.json = json;
        this.checks = http.forChecks();
        this.serverRootChecks = Objects.requireNonNull(serverRoot, "serverRoot").forChecks();
        // Operators paste base URLs both with and without the trailing /v1.
        this.pathPrefix = endsInV1(config) ? "" : "/v1";
    }

    /**
     * The same backend addressed at its server root, the URL without a trailing /v1: TGI's
     * {@code /info} and llama.cpp's {@code /props} live there, beside {@code /v1}.
     */
    public static BackendConfig serverRoot(BackendConfig config) {
        if (!endsInV1(config)) {
            return config;
        }
        String url = config.url().toString();
        int cut = url.lastIndexOf("/v1");
        return new BackendConfig(
                config.name(),
                config.kind(),
                java.net.URI.create(url.substring(0, cut) + url.substring(cut + 3)),
                config.apiKey(),
                config.discoverModels(),
                config.timeouts());
    }

    private static boolean endsInV1(BackendConfig config) {
        return config.url().getPath() != null && config.url().getPath().endsWith("/v1");
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public UpstreamAnswer call(UpstreamCall call) {
        ObjectNode request = call.body().deepCopy();
        request.put("model", call.upstreamModel());
        try (UpstreamHttp.Exchange exchange =
                http.post(path(call.operation()), bytes(request), call.requestId(), call.headers())) {
            JsonNode answer = http.readJson(exchange);
            if (!(answer instanceof ObjectNode body)) {
                throw new PalisadeException(
                        ErrorCode.UPSTREAM_BAD_RESPONSE,
                        "backend '" + name() + "' sent a bad answer: not a JSON object");
            }
            if (body.has("model")) {
                body.put("model", call.publicModel());
            }
            return new UpstreamAnswer(body, usageOf(body.path("usage")));
        }
    }

    @Override
    public StreamOutcome stream(UpstreamCall call, EventSink sink) {
        ObjectNode request = call.body().deepCopy();
        request.put("model", call.upstreamModel());
        boolean callerWantsUsage = call.callerWantsStreamUsage();
        if (call.operation() != Operation.EMBEDDING) {
            request.withObject("/stream_options").put("include_usage", true);
        }
        String upstreamModelField = "\"model\":\"" + call.upstreamModel() + "\"";
        String publicModelField = "\"model\":\"" + call.publicModel() + "\"";
        boolean rename = !call.upstreamModel().equals(call.publicModel());
        TokenUsage usage = TokenUsage.UNKNOWN;
        try (UpstreamHttp.Exchange exchange =
                        http.post(path(call.operation()), bytes(request), call.requestId(), call.headers());
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(exchange.body(), StandardCharsets.UTF_8))) {
            boolean complete = false;
            try {
                String line;
                while (true) {
                    try {
                        line = reader.readLine();
                    } catch (IOException e) {
                        return interrupted(sink, usage, e);
                    }
                    if (line == null) {
                        return interrupted(sink, usage, null);
                    }
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    String data = line.substring(5).trim();
                    if (data.equals("[DONE]")) {
                        complete = true;
                        return StreamOutcome.finished(usage);
                    }
                    if (data.contains("\"usage\"")) {
                        JsonNode chunk = parseOrEmpty(data);
                        TokenUsage reported = usageOf(chunk.path("usage"));
                        if (reported.known()) {
                            usage = reported;
                        }
                        if (!callerWantsUsage
                                && chunk.path("choices").isArray()
                                && chunk.path("choices").isEmpty()) {
                            continue;
                        }
                    }
                    if (data.startsWith("{\"error\"")) {
                        return StreamOutcome.broken(usage, "backend '" + name() + "' reported an error mid-stream");
                    }
                    sink.event(rename ? data.replace(upstreamModelField, publicModelField) : data);
                }
            } finally {
                if (!complete) {
                    // The caller is gone or the stream broke off while the backend may still be generating:
                    // draining the rest for the pool would only hold this thread (and the backend) up.
                    exchange.abandon();
                }
            }
        } catch (IOException e) {
            // Writing to the caller failed: the caller went away; the backend stream is closed above.
            return StreamOutcome.callerDisconnected(usage);
        }
    }

    @Override
    public List<String> listModels() {
        try (UpstreamHttp.Exchange exchange = checks.get(pathPrefix + "/models", "discovery")) {
            List<String> models = new ArrayList<>();
            for (JsonNode model : checks.readJson(exchange).path("data")) {
                models.add(model.path("id").asText());
            }
            return models;
        }
    }

    /**
     * TGI reports its revision on {@code GET /info} ({@code model_sha}, with {@code model_id}); a
     * llama.cpp server reports the GGUF it loaded on {@code GET /props} ({@code model_path}). Both
     * are asked, since a server answers the one it has; a 404 means it does not describe itself
     * that way. vLLM, for one, reports no revision anywhere. These servers serve one model whatever
     * name a request gives, so the answer describes the server rather than {@code upstreamModel}.
     */
    @Override
    public ServedModel served(String upstreamModel) {
        List<String> details = new ArrayList<>();
        String revision = null;
        JsonNode info = serverDescription("/info");
        if (info != null) {
            String sha = info.path("model_sha").asText("");
            String modelId = info.path("model_id").asText("");
            if (sha.isBlank()) {
                details.add("/info reports no model_sha (TGI has none for a model loaded from a local directory)");
            } else {
                revision = sha;
                details.add("model_sha from /info" + (modelId.isBlank() ? "" : " (model_id " + modelId + ")"));
            }
        }
        String file = null;
        JsonNode props = serverDescription("/props");
        if (props != null) {
            String path = props.path("model_path").asText("");
            if (path.isBlank()) {
                details.add("/props reports no model_path");
            } else {
                file = path;
                details.add("model_path from /props");
            }
        }
        if (info == null && props == null) {
            return ServedModel.unreported(
                    "backend '" + name() + "' reports no model revision (vLLM and most OpenAI-compatible servers"
                            + " do not; TGI does on /info, llama.cpp server names its GGUF file on /props)");
        }
        return new ServedModel(null, revision, file, String.join("; ", details));
    }

    /** The JSON a server-root endpoint answers, or null when the server has no such endpoint (404). */
    private JsonNode serverDescription(String path) {
        try (UpstreamHttp.Exchange exchange = serverRootChecks.get(path, "pin-check")) {
            return serverRootChecks.readJson(exchange);
        } catch (PalisadeException e) {
            if (ServedModel.answeredNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    private StreamOutcome interrupted(EventSink sink, TokenUsage usage, IOException cause) {
        String reason = cause == null
                ? "backend '" + name() + "' ended the stream before it was complete"
                : http.failure(cause, "bad stream").getMessage();
        if (!sink.started()) {
            throw new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, reason);
        }
        return StreamOutcome.broken(usage, reason);
    }

    private JsonNode parseOrEmpty(String data) {
        try {
            return json.readTree(data);
        } catch (IOException e) {
            return json.nullNode();
        }
    }

    private String path(Operation operation) {
        return pathPrefix + operation.route().substring("/v1".length());
    }

    private byte[] bytes(ObjectNode request) {
        try {
            return json.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new PalisadeException(ErrorCode.INTERNAL, "cannot encode the request");
        }
    }

    static TokenUsage usageOf(JsonNode usage) {
        if (!usage.isObject()) {
            return TokenUsage.UNKNOWN;
        }
        return new TokenUsage(
                usage.path("prompt_tokens").asInt(-1),
                usage.path("completion_tokens").asInt(0));
    }
}
