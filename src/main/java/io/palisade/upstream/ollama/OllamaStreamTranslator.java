package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.server.ErrorCode;
import io.palisade.server.PalisadeException;
import io.palisade.upstream.TokenUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * One Ollama NDJSON stream → OpenAI stream chunks, line by line, holding nothing but counters:
 * the first chat chunk announces the assistant role, each line becomes a content, reasoning or
 * tool-call delta, the {@code done} line becomes the chunk with {@code finish_reason} and, when the
 * caller asked for it, the usage chunk with empty {@code choices}. The caller writes each chunk as
 * an SSE event and the final {@code [DONE]} itself. One instance per stream; not thread-safe.
 */
public final class OllamaStreamTranslator {
    /** Which OpenAI stream shape to produce. */
    public enum Kind { CHAT, COMPLETION }

    private final ObjectMapper json;
    private final Kind kind;
    private final String model;
    private final String id;
    private final long created;
    private final boolean includeUsage;
    private boolean roleSent;
    private boolean finished;
    private boolean sawToolCalls;
    private TokenUsage usage = TokenUsage.UNKNOWN;

    public OllamaStreamTranslator(ObjectMapper json, Kind kind, String publicModel, String responseId, long created,
            boolean includeUsage) {
        this.json = json;
        this.kind = kind;
        this.model = publicModel;
        this.id = responseId;
        this.created = created;
        this.includeUsage = includeUsage;
    }

    public List<ObjectNode> onLine(JsonNode line) {
        if (line.has("error")) {
            String message = line.path("error").asText("unknown error");
            throw new PalisadeException(ErrorCode.UPSTREAM_BAD_RESPONSE, "backend reported an error mid-stream: "
                    + (message.length() > 200 ? message.substring(0, 200) : message));
        }
        if (finished) {
            return List.of();
        }
        List<ObjectNode> chunks = new ArrayList<>(2);
        if (kind == Kind.CHAT) {
            chatDeltas(line, chunks);
        } else if (!line.path("response").asText("").isEmpty()) {
            chunks.add(completionChunk(line.get("response").asText(), null));
        }
        if (line.path("done").asBoolean(false)) {
            finished = true;
            usage = OllamaToOpenAi.usageFrom(line);
            String reason = OllamaToOpenAi.finishReason(line, sawToolCalls);
            if (kind == Kind.CHAT) {
                ObjectNode last = chatChunk();
                ObjectNode choice = (ObjectNode) last.path("choices").get(0);
                choice.put("finish_reason", reason);
                chunks.add(last);
            } else {
                chunks.add(completionChunk("", reason));
            }
            if (includeUsage) {
                ObjectNode usageChunk = envelope();
                usageChunk.putArray("choices");
                usageChunk.set("usage", OllamaToOpenAi.usageNode(json, line));
                chunks.add(usageChunk);
            }
        }
        return chunks;
    }

    public boolean finished() {
        return finished;
    }

    public TokenUsage usage() {
        return usage;
    }

    private void chatDeltas(JsonNode line, List<ObjectNode> chunks) {
        if (!roleSent) {
            roleSent = true;
            ObjectNode first = chatChunk();
            delta(first).put("role", "assistant").put("content", "");
            chunks.add(first);
        }
        JsonNode message = line.path("message");
        String thinking = message.path("thinking").asText("");
        if (!thinking.isEmpty()) {
            ObjectNode chunk = chatChunk();
            delta(chunk).put("reasoning_content", thinking);
            chunks.add(chunk);
        }
        String content = message.path("content").asText("");
        if (!content.isEmpty()) {
            ObjectNode chunk = chatChunk();
            delta(chunk).put("content", content);
            chunks.add(chunk);
        }
        if (message.path("tool_calls").isArray() && !message.get("tool_calls").isEmpty()) {
            sawToolCalls = true;
            ObjectNode chunk = chatChunk();
            delta(chunk).set("tool_calls", ToolCalls.toOpenAi(json, message.get("tool_calls"), id, true));
            chunks.add(chunk);
        }
    }

    private ObjectNode chatChunk() {
        ObjectNode chunk = envelope();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.putNull("finish_reason");
        return chunk;
    }

    private static ObjectNode delta(ObjectNode chunk) {
        return (ObjectNode) chunk.path("choices").get(0).get("delta");
    }

    private ObjectNode completionChunk(String text, String finishReason) {
        ObjectNode chunk = envelope();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", text);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private ObjectNode envelope() {
        ObjectNode chunk = json.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", kind == Kind.CHAT ? "chat.completion.chunk" : "text_completion");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }
}
