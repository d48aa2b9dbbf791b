package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.error.PalisadeException;
import java.util.Locale;

/**
 * The OpenAI request fields Ollama's native API cannot honour, refused rather than silently
 * dropped: a caller who asks for two choices, log probabilities or a forced tool call must not
 * get an ordinary single answer that looks as if the request was honoured.
 * <ul>
 *   <li>{@code n} other than 1 (one choice per request), and {@code best_of} above 1;</li>
 *   <li>{@code logprobs} ({@code true}, or a number for completions) and {@code top_logprobs} above 0;</li>
 *   <li>{@code tool_choice} other than {@code "auto"} or {@code "none"}: {@code "required"} or a named
 *       function cannot be enforced ({@code "none"} is honoured by not sending the tools);</li>
 *   <li>{@code echo: true} for completions;</li>
 *   <li>{@code image_url} parts with an http(s) URL: Ollama takes image bytes, and the gateway does not
 *       fetch URLs for it (send a base64 {@code data:} URL).</li>
 * </ul>
 * Checked before admission for every model with an Ollama deployment ({@code Backend#refusal}) and
 * again by {@link OpenAiToOllama} for any request that reaches an Ollama backend another way
 * (a fallback model). Stateless and thread-safe.
 */
public final class OllamaUnsupportedFields {
    private OllamaUnsupportedFields() {}

    /** Throws {@code invalid_request_error} naming the first field Ollama cannot honour; returns when there is none. */
    public static void check(ObjectNode request) {
        JsonNode choices = request.get("n");
        if (!RequestField.isAbsent(choices)
                && RequestField.integer(choices, "n").intValue() != 1) {
            throw RequestField.invalid("this model's backend generates exactly one choice; n must be 1", "n");
        }
        JsonNode logprobs = request.get("logprobs");
        if (!RequestField.isAbsent(logprobs) && !(logprobs.isBoolean() && !logprobs.booleanValue())) {
            throw RequestField.invalid(
                    "this model's backend (Ollama) cannot return log probabilities; leave logprobs unset or false",
                    "logprobs");
        }
        JsonNode topLogprobs = request.get("top_logprobs");
        if (!RequestField.isAbsent(topLogprobs)
                && RequestField.integer(topLogprobs, "top_logprobs").intValue() > 0) {
            throw RequestField.invalid(
                    "this model's backend (Ollama) cannot return log probabilities; top_logprobs must be 0",
                    "top_logprobs");
        }
        JsonNode toolChoice = request.get("tool_choice");
        if (!RequestField.isAbsent(toolChoice)
                && !(toolChoice.isTextual()
                        && (toolChoice.asText().equals("auto")
                                || toolChoice.asText().equals("none")))) {
            throw RequestField.invalid(
                    "this model's backend (Ollama) cannot force a tool call; tool_choice must be \"auto\" or \"none\"",
                    "tool_choice");
        }
        JsonNode echo = request.get("echo");
        if (!RequestField.isAbsent(echo) && RequestField.bool(echo, "echo")) {
            throw RequestField.invalid("echo is not supported by this model's backend", "echo");
        }
        JsonNode bestOf = request.get("best_of");
        if (!RequestField.isAbsent(bestOf)
                && RequestField.integer(bestOf, "best_of").intValue() > 1) {
            throw RequestField.invalid("best_of greater than 1 is not supported by this model's backend", "best_of");
        }
        rejectRemoteImages(request.get("messages"));
    }

    private static void rejectRemoteImages(JsonNode messages) {
        if (messages == null || !messages.isArray()) {
            return;
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode content = messages.get(i).get("content");
            if (content == null || !content.isArray()) {
                continue;
            }
            for (int j = 0; j < content.size(); j++) {
                JsonNode imageUrl = content.get(j).get("image_url");
                JsonNode url = imageUrl != null && imageUrl.isObject() ? imageUrl.get("url") : imageUrl;
                if (url != null && url.isTextual() && isRemote(url.asText())) {
                    String param =
                            "messages[" + i + "].content[" + j + "].image_url" + (imageUrl.isObject() ? ".url" : "");
                    throw RequestField.invalid(
                            "remote image URLs are not supported because the gateway does not fetch "
                                    + "URLs; send the image inline as a base64 data: URL",
                            param);
                }
            }
        }
    }

    private static boolean isRemote(String url) {
        String lower = url.stripLeading().toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    /** The same check as an exception to throw, or null: for {@code Backend#refusal}. */
    public static PalisadeException refusal(ObjectNode request) {
        try {
            check(request);
            return null;
        } catch (PalisadeException e) {
            return e;
        }
    }
}
