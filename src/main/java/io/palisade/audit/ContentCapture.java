package io.palisade.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.config.AuditConfig;
import java.io.IOException;

/**
 * Decides what of prompts and answers reaches the audit: nothing (the default), the first N
 * characters, or everything. Prompts often hold personal or secret data, so capture is an explicit
 * operator choice. When off, every method returns null and costs nothing. Thread-safe.
 */
public final class ContentCapture {
    private final AuditConfig.ContentCapture mode;
    private final int maxChars;
    private final ObjectMapper json;

    public ContentCapture(AuditConfig config, ObjectMapper json) {
        this.mode = config.content();
        this.maxChars = config.contentMaxChars();
        this.json = json;
    }

    public boolean enabled() {
        return mode != AuditConfig.ContentCapture.OFF;
    }

    /** The prompt as text: chat messages as "role: content" lines, or the prompt / input. */
    public String prompt(ObjectNode body) {
        if (!enabled()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        if (body.has("messages")) {
            for (JsonNode message : body.path("messages")) {
                JsonNode content = message.path("content");
                text.append(message.path("role").asText())
                        .append(": ")
                        .append(content.isTextual() ? content.asText() : content.toString())
                        .append('\n');
            }
        } else {
            JsonNode prompt = body.has("prompt") ? body.get("prompt") : body.path("input");
            text.append(prompt.isTextual() ? prompt.asText() : prompt.toString());
        }
        return limit(text.toString());
    }

    /** The answer text of a complete OpenAI response (chat or completion), or null for embeddings. */
    public String answer(ObjectNode response) {
        if (!enabled() || !response.has("choices")) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode choice : response.path("choices")) {
            text.append(
                    choice.has("message")
                            ? choice.path("message").path("content").asText("")
                            : choice.path("text").asText(""));
        }
        return limit(text.toString());
    }

    /** The answer text from the relayed stream's chunks (one JSON chunk per line). */
    public String streamedAnswer(CharSequence chunks) {
        if (!enabled()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (String line : chunks.toString().split("\n", -1)) {
            if (line.isEmpty()) {
                continue; // an empty line carries no chunk (and added nothing before either)
            }
            try {
                JsonNode choice = json.readTree(line).path("choices").path(0);
                text.append(choice.path("delta")
                        .path("content")
                        .asText(choice.path("text").asText("")));
            } catch (IOException e) {
                // a chunk that is not JSON carries no answer text
            }
            if (text.length() > maxChars && mode == AuditConfig.ContentCapture.TRUNCATED) {
                break;
            }
        }
        return limit(text.toString());
    }

    private String limit(String text) {
        if (mode == AuditConfig.ContentCapture.TRUNCATED && text.length() > maxChars) {
            return text.substring(0, maxChars);
        }
        return text;
    }
}
