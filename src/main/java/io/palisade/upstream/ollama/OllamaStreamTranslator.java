package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.usage.TokenUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates one Ollama NDJSON stream, line by line, into OpenAI streaming chunks
 * ({@code chat.completion.chunk} or {@code text_completion}). Nothing is buffered: each line's
 * chunks are returned for the caller to relay at once as SSE {@code data:} events; the caller also
 * writes the closing {@code data: [DONE]}.
 *
 * <p>Chat streams open with a {@code {role: "assistant", content: ""}} delta, then carry
 * {@code content}, {@code reasoning_content} (Ollama's thinking) and {@code tool_calls} deltas (ids
 * as in {@link OllamaToOpenAi}). The {@code done} line yields an empty delta with the finish reason
 * and, when usage was requested, a final chunk with {@code choices: []} and {@code usage}; every
 * earlier chunk then carries {@code usage: null}, as OpenAI's do. Completion streams drop thinking.
 * Lines arriving after {@code done} are ignored. A line carrying {@code error}, or of the wrong
 * shape, fails with {@code UPSTREAM_BAD_RESPONSE}.
 *
 * <p>Stateful, one instance per stream, and <b>not thread-safe</b>: feed lines from one thread in
 * the order they arrived.
 */
public final class OllamaStreamTranslator {
    /** Which OpenAI endpoint the stream answers. */
    public enum Kind {
        CHAT,
        COMPLETION
    }

    private final ObjectMapper mapper;
    private final Kind kind;
    private final String publicModel;
    private final String responseId;
    private final long created;
    private final boolean includeUsage;
    private final OllamaToolCalls toolCalls;

    private boolean started;
    private boolean finished;
    private int toolCallCount;
    private TokenUsage usage = TokenUsage.UNKNOWN;

    public OllamaStreamTranslator(
            ObjectMapper mapper, Kind kind, String publicModel, String responseId, long created, boolean includeUsage) {
        this.mapper = mapper;
        this.kind = kind;
        this.publicModel = publicModel;
        this.responseId = responseId;
        this.created = created;
        this.includeUsage = includeUsage;
        this.toolCalls = new OllamaToolCalls(mapper, responseId);
    }

    /** The OpenAI chunks for one parsed Ollama stream line, in order; possibly none. */
    public List<ObjectNode> onLine(JsonNode ollamaChunk) {
        if (finished) {
            return List.of();
        }
        OllamaReply.requireObject(ollamaChunk, "backend reported an error mid-stream");
        boolean done = ollamaChunk.path("done").asBoolean(false);
        List<ObjectNode> chunks = new ArrayList<>(3);
        if (kind == Kind.CHAT) {
            chatDeltas(ollamaChunk, done, chunks);
        } else {
            completionDeltas(ollamaChunk, done, chunks);
        }
        if (done) {
            finish(ollamaChunk, chunks);
        }
        return chunks;
    }

    /** Whether the {@code done} line has been seen. */
    public boolean finished() {
        return finished;
    }

    /** Token counts from the {@code done} line; {@link TokenUsage#UNKNOWN} before it or if it had none. */
    public TokenUsage usage() {
        return usage;
    }

    private void chatDeltas(JsonNode line, boolean done, List<ObjectNode> chunks) {
        if (!started) {
            started = true;
            ObjectNode opening =
                    mapper.createObjectNode().put("role", "assistant").put("content", "");
            chunks.add(chatChunk(opening, null));
        }
        JsonNode message = line.get("message");
        if (message == null || message.isNull()) {
            if (done) {
                return;
            }
            throw OllamaReply.badResponse("a chat stream line without a message");
        }
        if (!message.isObject()) {
            throw OllamaReply.badResponse("a chat stream message that is not an object");
        }
        ObjectNode delta = mapper.createObjectNode();
        String thinking = OllamaReply.optionalText(message, "thinking", "message thinking");
        if (!thinking.isEmpty()) {
            delta.put("reasoning_content", thinking);
        }
        String content = OllamaReply.optionalText(message, "content", "message content");
        if (!content.isEmpty()) {
            delta.put("content", content);
        }
        JsonNode calls = OllamaToolCalls.requireList(message.get("tool_calls"));
        if (calls != null && !calls.isEmpty()) {
            ArrayNode deltaCalls = delta.putArray("tool_calls");
            for (JsonNode call : calls) {
                // Ollama sends each call whole, so one delta carries id, name and all arguments.
                ObjectNode translated = toolCalls.toOpenAi(call, toolCallCount);
                deltaCalls.addObject().put("index", toolCallCount).setAll(translated);
                toolCallCount++;
            }
        }
        if (!delta.isEmpty()) {
            chunks.add(chatChunk(delta, null));
        }
    }

    private void completionDeltas(JsonNode line, boolean done, List<ObjectNode> chunks) {
        JsonNode text = line.get("response");
        if (text == null || !text.isTextual()) {
            if (done && (text == null || text.isNull())) {
                return;
            }
            throw OllamaReply.badResponse("a completion stream line without response text");
        }
        if (!text.textValue().isEmpty()) {
            chunks.add(completionChunk(text.textValue(), null));
        }
    }

    private void finish(JsonNode line, List<ObjectNode> chunks) {
        finished = true;
        usage = OllamaReply.usage(line);
        String finishReason = OllamaReply.finishReason(line, toolCallCount > 0);
        chunks.add(
                kind == Kind.CHAT
                        ? chatChunk(mapper.createObjectNode(), finishReason)
                        : completionChunk("", finishReason));
        if (includeUsage) {
            ObjectNode usageChunk = envelope();
            usageChunk.putArray("choices");
            usageChunk.set("usage", OllamaReply.usageNode(usage, mapper.getNodeFactory()));
            chunks.add(usageChunk);
        }
    }

    private ObjectNode chatChunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = envelope();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return withNullUsage(chunk);
    }

    private ObjectNode completionChunk(String text, String finishReason) {
        ObjectNode chunk = envelope();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("text", text).put("index", 0).putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return withNullUsage(chunk);
    }

    private ObjectNode envelope() {
        String object = kind == Kind.CHAT ? "chat.completion.chunk" : "text_completion";
        return mapper.createObjectNode()
                .put("id", responseId)
                .put("object", object)
                .put("created", created)
                .put("model", publicModel);
    }

    private ObjectNode withNullUsage(ObjectNode chunk) {
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }
}
