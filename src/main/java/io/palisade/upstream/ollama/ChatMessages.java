package io.palisade.upstream.ollama;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;
import java.util.HashMap;
import java.util.Map;

/**
 * OpenAI chat messages → Ollama messages: content parts flattened to text plus base64
 * {@code images}; tool calls with JSON-string arguments → objects; tool results named by the
 * function they answer; "developer" → "system"; assistant reasoning → {@code thinking}.
 * Thread-safe.
 */
final class ChatMessages {
    private final ObjectMapper json;

    ChatMessages(ObjectMapper json) {
        this.json = json;
    }

    ArrayNode translate(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw invalid("'messages' must be a non-empty array", "messages");
        }
        ArrayNode out = json.createArrayNode();
        Map<String, String> toolNamesById = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages[" + i + "]";
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw invalid("each message must be an object with a string 'role'", at + ".role");
            }
            ObjectNode translated = out.addObject();
            String role = message.get("role").asText();
            translated.put("role", role.equals("developer") ? "system" : role);
            content(message.get("content"), translated, at);
            JsonNode reasoning = message.has("reasoning_content") ? message.get("reasoning_content") : message.get("thinking");
            if (reasoning != null && reasoning.isTextual()) {
                translated.put("thinking", reasoning.asText());
            }
            if (message.path("tool_calls").isArray()) {
                translated.set("tool_calls", toolCalls(message.get("tool_calls"), toolNamesById, at));
            }
            if (role.equals("tool")) {
                String name = message.has("name") ? message.path("name").asText() : toolNamesById.get(message.path("tool_call_id").asText());
                if (name != null) {
                    translated.put("tool_name", name);
                }
            }
            if (message.path("images").isArray()) {
                ArrayNode images = translated.withArray("/images");
                message.get("images").forEach(images::add);
            }
        }
        return out;
    }

    private void content(JsonNode content, ObjectNode translated, String at) {
        if (content == null || content.isNull()) {
            translated.put("content", "");
            return;
        }
        if (content.isTextual()) {
            translated.put("content", content.asText());
            return;
        }
        if (!content.isArray()) {
            throw invalid("'content' must be a string or an array of content parts", at + ".content");
        }
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            String partAt = at + ".content[" + p + "]";
            switch (part.path("type").asText("")) {
                case "text" -> {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append(part.path("text").asText(""));
                }
                case "image_url" -> translated.withArray("/images").add(imageData(part.path("image_url"), partAt));
                default -> throw invalid("content part type '" + part.path("type").asText("") + "' is not supported by this"
                        + " model's backend (Ollama); use text or image_url", partAt + ".type");
            }
        }
        translated.put("content", text.toString());
    }

    private static String imageData(JsonNode imageUrl, String at) {
        String url = imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText("");
        int comma = url.indexOf(',');
        if (url.startsWith("data:") && url.substring(0, Math.max(comma, 0)).endsWith(";base64") && comma > 0) {
            return url.substring(comma + 1);
        }
        throw invalid("images must be sent inline as data:…;base64 URLs; the gateway does not fetch remote URLs", at + ".image_url");
    }

    private ArrayNode toolCalls(JsonNode calls, Map<String, String> toolNamesById, String at) {
        ArrayNode out = json.createArrayNode();
        for (int c = 0; c < calls.size(); c++) {
            JsonNode call = calls.get(c);
            JsonNode function = call.path("function");
            String name = function.path("name").asText("");
            ObjectNode translatedFunction = out.addObject().putObject("function");
            translatedFunction.put("name", name);
            JsonNode arguments = function.get("arguments");
            if (arguments != null && arguments.isTextual()) {
                try {
                    translatedFunction.set("arguments", arguments.asText().isBlank() ? json.createObjectNode() : json.readTree(arguments.asText()));
                } catch (JsonProcessingException e) {
                    throw invalid("tool call arguments must be a JSON object encoded as a string", at + ".tool_calls[" + c + "].function.arguments");
                }
            } else if (arguments != null && arguments.isObject()) {
                translatedFunction.set("arguments", arguments);
            } else {
                translatedFunction.putObject("arguments");
            }
            if (call.has("id")) {
                toolNamesById.put(call.get("id").asText(), name);
            }
        }
        return out;
    }

    private static PalisadeException invalid(String message, String param) {
        return new PalisadeException(ErrorCode.INVALID_REQUEST, message, param);
    }
}
