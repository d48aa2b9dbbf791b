package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Locale;

/**
 * Decides Ollama's {@code think} value. OpenAI's {@code reasoning_effort} wins over a native
 * {@code think} sent alongside it, for the same reason top-level sampling fields win over native
 * options: the OpenAI field is the contract of this API.
 */
final class ThinkTranslator {
    private ThinkTranslator() {}

    /** Returns the Ollama think value, or null when nothing should be sent. */
    static JsonNode translate(JsonNode think, JsonNode reasoningEffort, JsonNodeFactory factory) {
        if (!RequestField.isAbsent(reasoningEffort)) {
            return fromEffort(RequestField.text(reasoningEffort, "reasoning_effort"), factory);
        }
        if (RequestField.isAbsent(think)) {
            return null;
        }
        // Level names are Ollama's to validate; new levels must not need a gateway release.
        if (!think.isBoolean() && !think.isTextual()) {
            throw RequestField.invalid("think must be a boolean or a level such as \"high\"", "think");
        }
        return think;
    }

    // OpenAI's newer "minimal" and "xhigh" have no Ollama equivalent; the nearest level keeps
    // clients written for those models working instead of failing on a naming difference.
    private static JsonNode fromEffort(String effort, JsonNodeFactory factory) {
        return switch (effort.toLowerCase(Locale.ROOT)) {
            case "none" -> factory.booleanNode(false);
            case "minimal", "low" -> factory.textNode("low");
            case "medium" -> factory.textNode("medium");
            case "high", "xhigh" -> factory.textNode("high");
            default ->
                throw RequestField.invalid(
                        "reasoning_effort must be one of none, minimal, low, medium, high, xhigh", "reasoning_effort");
        };
    }
}
