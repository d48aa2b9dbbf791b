package io.palisade.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.config.BackendConfig;
import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    public OpenAiBackend(BackendConfig config, UpstreamHttp http, ObjectMapper json) {
        this.config = config;
        this.http = http;
        this.json = json;
        // Operators paste base URLs both with and without the trailing /v1.
        this.pathPrefix = config.url().getPath().endsWith("/v1") ? "" : "/v1";
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public UpstreamAnswer call(UpstreamCall call) {
        ObjectNode request = call.body().deepCopy();
        request.put("model", call.upstreamModel());
        try (UpstreamHttp.Exchange exchange = http.post(path(call.operation()), bytes(request), call.requestId(), call.headers())) {
            JsonNode answer = http.readJson(exchange);
            if (!(answer instanceof ObjectNode body)) {
                throw new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, "backend '" + name() + "' sent a bad answer: not a JSON object");
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
        try (UpstreamHttp.Exchange exchange = http.post(path(call.operation()), bytes(request), call.requestId(), call.headers());
             BufferedReader reader = new BufferedReader(new InputStreamReader(exchange.body(), StandardCharsets.UTF_8))) {
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
                    return StreamOutcome.finished(usage);
                }
                if (data.contains("\"usage\"")) {
                    JsonNode chunk = parseOrEmpty(data);
                    TokenUsage reported = usageOf(chunk.path("usage"));
                    if (reported.known()) {
                        usage = reported;
                    }
                    if (!callerWantsUsage && chunk.path("choices").isArray() && chunk.path("choices").isEmpty()) {
                        continue;
                    }
                }
                if (data.startsWith("{\"error\"")) {
                    return StreamOutcome.broken(usage, "backend '" + name() + "' reported an error mid-stream");
                }
                sink.event(rename ? data.replace(upstreamModelField, publicModelField) : data);
            }
        } catch (IOException e) {
            // Writing to the caller failed: the caller went away; the backend stream is closed above.
            return StreamOutcome.callerDisconnected(usage);
        }
    }

    @Override
    public List<String> listModels() {
        try (UpstreamHttp.Exchange exchange = http.get(pathPrefix + "/models", "discovery")) {
            List<String> models = new ArrayList<>();
            for (JsonNode model : http.readJson(exchange).path("data")) {
                models.add(model.path("id").asText());
            }
            return models;
        }
    }

    private StreamOutcome interrupted(EventSink sink, TokenUsage usage, IOException cause) {
        String reason = cause == null ? "backend '" + name() + "' ended the stream before it was complete"
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
        return new TokenUsage(usage.path("prompt_tokens").asInt(-1), usage.path("completion_tokens").asInt(0));
    }
}
