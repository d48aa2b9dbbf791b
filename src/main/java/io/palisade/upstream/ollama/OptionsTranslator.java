package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * Builds Ollama's {@code options} object from OpenAI sampling fields, the common top-level
 * extensions, and the client's own native {@code options}. Top-level fields win on a clash: they
 * are the contract of this API and what gateway policy inspects, so a native entry must not
 * silently override them.
 */
final class OptionsTranslator {
    /** Fields whose OpenAI name is also the Ollama option name and whose value is any number. */
    private static final List<String> NUMBER_FIELDS =
            List.of("temperature", "top_p", "presence_penalty", "frequency_penalty", "min_p", "repeat_penalty");

    private static final List<String> INTEGER_FIELDS = List.of("seed", "top_k", "num_ctx");

    /** Every top-level request field this class consumes; none of them is sent at top level. */
    static final Set<String> CONSUMED_FIELDS = Set.of(
            "temperature",
            "top_p",
            "presence_penalty",
            "frequency_penalty",
            "min_p",
            "repeat_penalty",
            "seed",
            "top_k",
            "num_ctx",
            "stop",
            "max_tokens",
            "max_completion_tokens",
            "options");

    private OptionsTranslator() {}

    /** Returns the merged options, or null when there is nothing to send. */
    static ObjectNode translate(ObjectNode request, JsonNodeFactory factory) {
        ObjectNode options = factory.objectNode();
        JsonNode nativeOptions = request.get("options");
        if (!RequestField.isAbsent(nativeOptions)) {
            if (!nativeOptions.isObject()) {
                throw RequestField.invalid("options must be an object", "options");
            }
            options.setAll((ObjectNode) nativeOptions.deepCopy());
        }
        for (String name : NUMBER_FIELDS) {
            JsonNode value = request.get(name);
            if (!RequestField.isAbsent(value)) {
                options.set(name, RequestField.number(value, name));
            }
        }
        for (String name : INTEGER_FIELDS) {
            JsonNode value = request.get(name);
            if (!RequestField.isAbsent(value)) {
                options.set(name, RequestField.integer(value, name));
            }
        }
        JsonNode stop = request.get("stop");
        if (!RequestField.isAbsent(stop)) {
            options.set("stop", stopSequences(stop, factory));
        }
        JsonNode numberToPredict = numberToPredict(request);
        if (numberToPredict != null) {
            options.set("num_predict", numberToPredict);
        }
        return options.isEmpty() ? null : options;
    }

    private static ArrayNode stopSequences(JsonNode stop, JsonNodeFactory factory) {
        ArrayNode sequences = factory.arrayNode();
        if (stop.isTextual()) {
            return sequences.add(stop.textValue());
        }
        if (!stop.isArray()) {
            throw RequestField.invalid("stop must be a string or an array of strings", "stop");
        }
        for (int i = 0; i < stop.size(); i++) {
            sequences.add(RequestField.text(stop.get(i), "stop[" + i + "]"));
        }
        return sequences;
    }

    // max_completion_tokens is OpenAI's replacement for the deprecated max_tokens, so it wins.
    private static JsonNode numberToPredict(ObjectNode request) {
        JsonNode current = request.get("max_completion_tokens");
        if (!RequestField.isAbsent(current)) {
            return RequestField.integer(current, "max_completion_tokens");
        }
        JsonNode legacy = request.get("max_tokens");
        return RequestField.isAbsent(legacy) ? null : RequestField.integer(legacy, "max_tokens");
    }
}
