package io.palisade.upstream.ollama;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI chat messages to Ollama chat messages. Message fields it does not consume are copied
 * through, so Ollama-native fields a client sets (such as {@code thinking}) survive.
 */
final class ChatMessageTranslator {
    /** Fields rewritten here rather than copied. */
    private static final Set<String> CONSUMED_FIELDS =
            Set.of("role", "content", "images", "tool_calls", "reasoning_content", "reasoning");

    private final ObjectMapper mapper;

    ChatMessageTranslator(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ArrayNode translate(JsonNode messages) {
        if (RequestField.isAbsent(messages) || !messages.isArray() || messages.isEmpty()) {
            throw RequestField.invalid("messages must be a non-empty array of messages", "messages");
        }
        // Tool results name their call by id only; Ollama wants the function name instead.
        Map<String, String> toolNamesByCallId = new HashMap<>();
        ArrayNode translated = mapper.createArrayNode();
        for (int i = 0; i < messages.size(); i++) {
            translated.add(message(messages.get(i), "messages[" + i + "]", toolNamesByCallId));
        }
        return translated;
    }

    private ObjectNode message(JsonNode message, String param, Map<String, String> toolNamesByCallId) {
        if (!message.isObject()) {
            throw RequestField.invalid("each message must be an object", param);
        }
        JsonNode role = message.get("role");
        if (role == null || !role.isTextual()) {
            throw RequestField.invalid("each message needs a string role", param + ".role");
        }
        // Ollama's templates know no "developer" role; OpenAI defines it as the system role's successor.
        String ollamaRole = role.textValue().equals("developer") ? "system" : role.textValue();
        MessageContentTranslator.Content content =
                MessageContentTranslator.translate(message.get("content"), param + ".content");

        ObjectNode translated = mapper.createObjectNode();
        translated.put("role", ollamaRole);
        translated.put("content", content.text());
        ArrayNode images = images(message.get("images"), content, param);
        if (!images.isEmpty()) {
            translated.set("images", images);
        }
        // reasoning_content is what this gateway emits; reasoning is what Ollama's own layer emits.
        String reasoningField =
                RequestField.isAbsent(message.get("reasoning_content")) ? "reasoning" : "reasoning_content";
        JsonNode reasoning = message.get(reasoningField);
        if (!RequestField.isAbsent(reasoning)) {
            translated.put("thinking", RequestField.text(reasoning, param + "." + reasoningField));
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (!RequestField.isAbsent(toolCalls)) {
            translated.set("tool_calls", toolCalls(toolCalls, param + ".tool_calls", toolNamesByCallId));
        }
        message.properties().forEach(field -> {
            if (!CONSUMED_FIELDS.contains(field.getKey()) && !translated.has(field.getKey())) {
                translated.set(field.getKey(), field.getValue().deepCopy());
            }
        });
        if (ollamaRole.equals("tool") && !translated.has("tool_name")) {
            String toolName = toolName(message, toolNamesByCallId);
            if (toolName != null) {
                translated.put("tool_name", toolName);
            }
        }
        return translated;
    }

    private ArrayNode images(JsonNode nativeImages, MessageContentTranslator.Content content, String param) {
        ArrayNode images = mapper.createArrayNode();
        if (!RequestField.isAbsent(nativeImages)) {
            if (!nativeImages.isArray()) {
                throw RequestField.invalid("images must be an array of base64 strings", param + ".images");
            }
            images.addAll((ArrayNode) nativeImages.deepCopy());
        }
        content.images().forEach(images::add);
        return images;
    }

    private ArrayNode toolCalls(JsonNode toolCalls, String param, Map<String, String> toolNamesByCallId) {
        if (!toolCalls.isArray()) {
            throw RequestField.invalid("tool_calls must be an array", param);
        }
        ArrayNode translated = mapper.createArrayNode();
        for (int i = 0; i < toolCalls.size(); i++) {
            String callParam = param + "[" + i + "]";
            JsonNode function = toolCalls.get(i).path("function");
            if (!function.isObject()) {
                throw RequestField.invalid("each tool call needs a function object", callParam + ".function");
            }
            String name = RequestField.text(function.path("name"), callParam + ".function.name");
            ObjectNode ollamaFunction = translated.addObject().putObject("function");
            ollamaFunction.put("name", name);
            ollamaFunction.set("arguments", arguments(function.get("arguments"), callParam + ".function.arguments"));
            JsonNode id = toolCalls.get(i).get("id");
            if (id != null && id.isTextual()) {
                ((ObjectNode) translated.get(i)).put("id", id.textValue());
                toolNamesByCallId.put(id.textValue(), name);
            }
        }
        return translated;
    }

    // OpenAI carries arguments as a JSON-encoded string; Ollama wants the object itself.
    private JsonNode arguments(JsonNode arguments, String param) {
        if (RequestField.isAbsent(arguments)) {
            return mapper.createObjectNode();
        }
        if (arguments.isObject()) {
            return arguments.deepCopy();
        }
        String encoded = RequestField.text(arguments, param);
        if (encoded.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode parsed = mapper.readTree(encoded);
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (JsonProcessingException e) {
            // Reported below with a message that does not echo parser internals.
        }
        throw RequestField.invalid("tool call arguments must be a JSON object encoded as a string", param);
    }

    private static String toolName(JsonNode message, Map<String, String> toolNamesByCallId) {
        JsonNode name = message.get("name");
        if (name != null && name.isTextual() && !name.textValue().isEmpty()) {
            return name.textValue();
        }
        JsonNode callId = message.get("tool_call_id");
        return callId != null && callId.isTextual() ? toolNamesByCallId.get(callId.textValue()) : null;
    }
}
