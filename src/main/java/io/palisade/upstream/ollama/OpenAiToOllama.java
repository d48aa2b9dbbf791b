package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI request → Ollama-native request ({@code /api/chat}, {@code /api/generate},
 * {@code /api/embed}). Pure and thread-safe.
 *
 * <p>Mapping choices:
 * <ul>
 *   <li>Sampling fields ({@code temperature}, {@code top_p}, {@code top_k}, {@code min_p},
 *       {@code seed}, {@code stop}, {@code presence_penalty}, {@code frequency_penalty},
 *       {@code repeat_penalty}, {@code num_ctx}, {@code max_tokens} / {@code max_completion_tokens}
 *       → {@code num_predict}) go into {@code options}. A caller's own {@code options} object is
 *       kept and the top-level OpenAI fields win over it, as they are the API's documented fields.</li>
 *   <li>{@code response_format} json_object → {@code format: "json"}, json_schema → the schema.</li>
 *   <li>{@code think} passes through; OpenAI's {@code reasoning_effort} maps to it ("none" → false).</li>
 *   <li>{@code keep_alive} passes through untouched.</li>
 *   <li>OpenAI-only fields Ollama would misread or that have no meaning there are not sent:
 *       {@value #OPENAI_ONLY_TEXT}.</li>
 *   <li>Every other field passes through unchanged (Ollama ignores what it does not know), so the
 *       gateway never silently drops a field it does not know.</li>
 * </ul>
 */
public final class OpenAiToOllama {
    static final String OPENAI_ONLY_TEXT = "user, logit_bias, logprobs, top_logprobs, parallel_tool_calls, tool_choice,"
            + " service_tier, store, metadata, stream_options, n, echo, best_of, encoding_format, prediction, modalities,"
            + " audio, functions, function_call";
    private static final Set<String> OPENAI_ONLY = Set.of(OPENAI_ONLY_TEXT.replace(" ", "").split(","));
    private static final Map<String, String> OPTION_FIELDS = Map.ofEntries(
            Map.entry("temperature", "temperature"), Map.entry("top_p", "top_p"), Map.entry("top_k", "top_k"),
            Map.entry("min_p", "min_p"), Map.entry("seed", "seed"), Map.entry("presence_penalty", "presence_penalty"),
            Map.entry("frequency_penalty", "frequency_penalty"), Map.entry("repeat_penalty", "repeat_penalty"),
            Map.entry("num_ctx", "num_ctx"), Map.entry("max_tokens", "num_predict"),
            Map.entry("max_completion_tokens", "num_predict"));
    private static final Set<String> HANDLED = Set.of("model", "messages", "prompt", "input", "stream", "options", "stop",
            "response_format", "think", "reasoning_effort", "tools", "suffix", "system", "raw", "images", "dimensions",
            "truncate", "keep_alive", "format");

    private final ObjectMapper json;
    private final ChatMessages messages;

    public OpenAiToOllama(ObjectMapper json) {
        this.json = json;
        this.messages = new ChatMessages(json);
    }

    public ObjectNode chatRequest(ObjectNode request, String upstreamModel) {
        rejectSeveralChoices(request);
        ObjectNode out = base(request, upstreamModel);
        out.set("messages", messages.translate(request.path("messages")));
        if (request.has("tools") && !request.get("tools").isNull()) {
            out.set("tools", request.get("tools"));
        }
        generationFields(request, out);
        return out;
    }

    public ObjectNode completionRequest(ObjectNode request, String upstreamModel) {
        rejectSeveralChoices(request);
        ObjectNode out = base(request, upstreamModel);
        JsonNode prompt = request.path("prompt");
        if (prompt.isArray()) {
            if (prompt.size() != 1 || !prompt.get(0).isTextual()) {
                throw new PalisadeException(ErrorCode.INVALID_REQUEST,
                        "this model's backend (Ollama) takes exactly one prompt string per request", "prompt");
            }
            prompt = prompt.get(0);
        }
        if (!prompt.isTextual()) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'prompt' must be a string", "prompt");
        }
        out.put("prompt", prompt.asText());
        for (String field : new String[] {"suffix", "system", "raw", "images"}) {
            if (request.has(field) && !request.get(field).isNull()) {
                out.set(field, request.get(field));
            }
        }
        generationFields(request, out);
        return out;
    }

    public ObjectNode embeddingRequest(ObjectNode request, String upstreamModel) {
        ObjectNode out = base(request, upstreamModel);
        out.remove("stream");
        JsonNode input = request.path("input");
        if (input.isArray()) {
            for (int i = 0; i < input.size(); i++) {
                if (!input.get(i).isTextual()) {
                    throw new PalisadeException(ErrorCode.INVALID_REQUEST,
                            "this model's backend (Ollama) embeds text only; token arrays are not supported", "input[" + i + "]");
                }
            }
        } else if (!input.isTextual()) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'input' must be a string or an array of strings", "input");
        }
        out.set("input", input);
        for (String field : new String[] {"dimensions", "truncate", "options"}) {
            if (request.has(field) && !request.get(field).isNull()) {
                out.set(field, request.get(field));
            }
        }
        return out;
    }

    /** model, stream, keep_alive and every field nobody handles (passed through). */
    private ObjectNode base(ObjectNode request, String upstreamModel) {
        ObjectNode out = json.createObjectNode();
        out.put("model", upstreamModel);
        out.put("stream", request.path("stream").asBoolean(false));
        if (request.has("keep_alive")) {
            out.set("keep_alive", request.get("keep_alive"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = request.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (!HANDLED.contains(name) && !OPENAI_ONLY.contains(name) && !OPTION_FIELDS.containsKey(name)) {
                out.set(name, field.getValue());
            }
        }
        return out;
    }

    private void generationFields(ObjectNode request, ObjectNode out) {
        ObjectNode options = json.createObjectNode();
        if (request.path("options").isObject()) {
            options.setAll((ObjectNode) request.get("options"));
        }
        OPTION_FIELDS.forEach((openAi, ollama) -> {
            JsonNode value = request.get(openAi);
            if (value != null && !value.isNull()) {
                options.set(ollama, value);
            }
        });
        JsonNode stop = request.get("stop");
        if (stop != null && !stop.isNull()) {
            if (stop.isTextual()) {
                options.putArray("stop").add(stop.asText());
            } else if (stop.isArray()) {
                options.set("stop", stop);
            } else {
                throw new PalisadeException(ErrorCode.INVALID_REQUEST, "'stop' must be a string or an array of strings", "stop");
            }
        }
        if (!options.isEmpty()) {
            out.set("options", options);
        }
        JsonNode format = format(request.get("response_format"));
        if (format != null) {
            out.set("format", format);
        } else if (request.has("format")) {
            out.set("format", request.get("format"));
        }
        JsonNode think = think(request);
        if (think != null) {
            out.set("think", think);
        }
    }

    private JsonNode format(JsonNode responseFormat) {
        if (responseFormat == null || responseFormat.isNull()) {
            return null;
        }
        String type = responseFormat.path("type").asText("");
        return switch (type) {
            case "json_object" -> json.getNodeFactory().textNode("json");
            case "json_schema" -> {
                JsonNode schema = responseFormat.path("json_schema").path("schema");
                if (!schema.isObject()) {
                    throw new PalisadeException(ErrorCode.INVALID_REQUEST,
                            "'response_format.json_schema.schema' must be a JSON schema object", "response_format");
                }
                yield schema;
            }
            case "text" -> null;
            default -> throw new PalisadeException(ErrorCode.INVALID_REQUEST,
                    "'response_format.type' must be text, json_object or json_schema", "response_format");
        };
    }

    private JsonNode think(ObjectNode request) {
        if (request.has("think") && !request.get("think").isNull()) {
            return request.get("think");
        }
        JsonNode effort = request.get("reasoning_effort");
        if (effort == null || effort.isNull()) {
            return null;
        }
        return switch (effort.asText()) {
            case "none", "minimal" -> json.getNodeFactory().booleanNode(false);
            case "low", "medium", "high" -> effort;
            default -> throw new PalisadeException(ErrorCode.INVALID_REQUEST,
                    "'reasoning_effort' must be none, low, medium or high", "reasoning_effort");
        };
    }

    private static void rejectSeveralChoices(ObjectNode request) {
        JsonNode n = request.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw new PalisadeException(ErrorCode.INVALID_REQUEST, "this model's backend (Ollama) returns one choice; 'n' must be 1", "n");
        }
    }

    /** For tests and docs: the fields that are never forwarded to Ollama. */
    static Set<String> openAiOnlyFields() {
        return OPENAI_ONLY;
    }
}
