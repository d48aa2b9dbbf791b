package io.palisade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@link EvalGateway} over HTTP to a Palisade: chats go to {@code /v1/chat/completions} with the
 * evaluation's own API key (so they are authenticated, admitted, limited and audited like any
 * request); family and unload are answered by the given {@link EvalGateway.Models}. Thread-safe.
 */
public final class HttpEvalGateway implements EvalGateway {
    private final URI base;
    private final String apiKey;
    private final Models models;
    private final ObjectMapper json;
    private final String generator;
    private final String generatorDeployment;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code models} answers the two model-administration questions (in-process or over the admin API). */
    public HttpEvalGateway(URI base, String apiKey, ObjectMapper json, Models models) {
        this(base, apiKey, json, models, null, null);
    }

    /** As above, with the generator's requests confined to {@code generatorDeployment} (a canary under evaluation). */
    public HttpEvalGateway(
            URI base, String apiKey, ObjectMapper json, Models models, String generator, String generatorDeployment) {
        this.generator = generator;
        this.generatorDeployment = generatorDeployment;
        this.base = base;
        this.apiKey = apiKey;
        this.json = json;
        this.models = models;
    }

    @Override
    public String chat(String model, String prompt, ChatOptions options) {
        ObjectNode body = json.createObjectNode().put("model", model).put("max_tokens", options.maxTokens());
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (options.temperature() != null) {
            body.put("temperature", options.temperature());
        }
        if (options.thinkingOff()) {
            body.put("think", false);
        }
        if (options.jsonSchema() != null) {
            ObjectNode format = body.putObject("response_format").put("type", "json_schema");
            format.putObject("json_schema").put("name", "verdict").set("schema", options.jsonSchema());
        }
        String deployment = generatorDeployment != null && model.equals(generator) ? generatorDeployment : null;
        JsonNode answer = send("POST", "/v1/chat/completions", apiKey, body, deployment);
        return answer.path("choices").path(0).path("message").path("content").asText("");
    }

    @Override
    public String family(String model) {
        return models.family(model);
    }

    @Override
    public Unloaded unload(String model) {
        return models.unload(model);
    }

    private JsonNode send(String method, String path, String key, ObjectNode body, String deployment) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                    .timeout(Duration.ofMinutes(10))
                    .header("Authorization", "Bearer " + key);
            if (deployment != null) {
                request.header("X-Palisade-Deployment", deployment);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode parsed = response.body().isBlank() ? json.createObjectNode() : json.readTree(response.body());
            if (response.statusCode() >= 300) {
                throw new EvalException(
                        response.statusCode() == 404 || response.statusCode() == 403 || response.statusCode() == 401
                                ? EvalException.Kind.CONFIGURATION
                                : EvalException.Kind.CONNECTIVITY,
                        method + " " + path + " answered " + response.statusCode() + ": "
                                + parsed.path("error").path("message").asText(""));
            }
            return parsed;
        } catch (IOException e) {
            throw new EvalException(
                    EvalException.Kind.CONNECTIVITY, "cannot reach Palisade at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EvalException(EvalException.Kind.CONNECTIVITY, "interrupted");
        }
    }
}
