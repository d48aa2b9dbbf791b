package io.palisade.simulate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes OpenAI-style completion responses, whole or as SSE: {@code data: <chunk>} events, one
 * token per chunk, then a chunk with the finish reason, then (when {@code include_usage} was asked
 * for) a chunk with empty {@code choices} and the usage, then {@code data: [DONE]}. Thread-safe.
 */
final class OpenAiResponseWriter {
    static final String SYSTEM_FINGERPRINT = "fp_simulate";
    private static final String DONE = "data: [DONE]\n\n";

    private final JsonReplies replies;
    private final Pacer pacer;
    private final Clock clock;
    private final AtomicLong responseCounter = new AtomicLong();

    OpenAiResponseWriter(JsonReplies replies, Pacer pacer, Clock clock) {
        this.replies = replies;
        this.pacer = pacer;
        this.clock = clock;
    }

    void chat(Context ctx, String model, Generation generation) {
        pacer.pause(pacer.generationTime(generation.completionTokens()));
        ObjectNode body = header("chatcmpl-", "chat.completion", model);
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (generation.toolCall() == null) {
            message.put("content", generation.content());
        } else {
            message.putNull("content");
            message.putArray("tool_calls").add(toolCall(generation.toolCall(), false));
        }
        choice.putNull("logprobs")
                .put("finish_reason", generation.finishReason().wireName(Dialect.OPENAI));
        body.set("usage", usage(List.of(generation)));
        replies.json(ctx, body);
    }

    void streamChat(
            Context ctx, String model, Generation generation, boolean includeUsage, ResponseGate.Admission admission)
            throws IOException {
        ObjectNode header = header("chatcmpl-", "chat.completion.chunk", model);
        int frames = 1
                + generation.contentPieces().size()
                + (generation.toolCall() == null ? 0 : 1)
                + 1
                + (includeUsage ? 1 : 0)
                + 1;
        var stream = ResponseStream.open(ctx, Dialect.OPENAI.streamContentType(), admission.cutAfter(frames));
        var schedule = pacer.schedule();
        ObjectNode opening = chatChunk(
                header, includeUsage, delta -> delta.put("role", "assistant").put("content", ""), null);
        if (!stream.send(event(opening))) {
            return;
        }
        for (String piece : generation.contentPieces()) {
            schedule.awaitNextToken();
            if (!stream.send(event(chatChunk(header, includeUsage, delta -> delta.put("content", piece), null)))) {
                return;
            }
        }
        if (generation.toolCall() != null) {
            schedule.awaitNextToken();
            ObjectNode call = toolCall(generation.toolCall(), true);
            if (!stream.send(event(chatChunk(
                    header, includeUsage, delta -> delta.putArray("tool_calls").add(call), null)))) {
                return;
            }
        }
        String finishReason = generation.finishReason().wireName(Dialect.OPENAI);
        if (!stream.send(event(chatChunk(header, includeUsage, delta -> {}, finishReason)))) {
            return;
        }
        finish(stream, header, includeUsage, List.of(generation));
    }

    void completions(Context ctx, String model, List<Generation> generations) {
        pacer.pause(pacer.generationTime(
                generations.stream().mapToInt(Generation::completionTokens).sum()));
        ObjectNode body = header("cmpl-", "text_completion", model);
        ArrayNode choices = body.putArray("choices");
        for (int index = 0; index < generations.size(); index++) {
            Generation generation = generations.get(index);
            choices.addObject()
                    .put("index", index)
                    .put("text", generation.content())
                    .putNull("logprobs")
                    .put("finish_reason", generation.finishReason().wireName(Dialect.OPENAI));
        }
        body.set("usage", usage(generations));
        replies.json(ctx, body);
    }

    void streamCompletions(
            Context ctx,
            String model,
            List<Generation> generations,
            boolean includeUsage,
            ResponseGate.Admission admission)
            throws IOException {
        ObjectNode header = header("cmpl-", "text_completion", model);
        int frames = generations.stream()
                        .mapToInt(generation -> generation.contentPieces().size() + 1)
                        .sum()
                + (includeUsage ? 1 : 0)
                + 1;
        var stream = ResponseStream.open(ctx, Dialect.OPENAI.streamContentType(), admission.cutAfter(frames));
        var schedule = pacer.schedule();
        for (int index = 0; index < generations.size(); index++) {
            Generation generation = generations.get(index);
            for (String piece : generation.contentPieces()) {
                schedule.awaitNextToken();
                if (!stream.send(event(textChunk(header, includeUsage, index, piece, null)))) {
                    return;
                }
            }
            String finishReason = generation.finishReason().wireName(Dialect.OPENAI);
            if (!stream.send(event(textChunk(header, includeUsage, index, "", finishReason)))) {
                return;
            }
        }
        finish(stream, header, includeUsage, generations);
    }

    private void finish(ResponseStream stream, ObjectNode header, boolean includeUsage, List<Generation> generations)
            throws IOException {
        if (includeUsage) {
            ObjectNode usageChunk = header.deepCopy();
            usageChunk.putArray("choices");
            usageChunk.set("usage", usage(generations));
            if (!stream.send(event(usageChunk))) {
                return;
            }
        }
        stream.send(DONE);
    }

    /** The fields every response and chunk of one completion shares. */
    private ObjectNode header(String idPrefix, String object, String model) {
        return replies.object()
                .put("id", idPrefix + HexFormat.of().toHexDigits(responseCounter.incrementAndGet()))
                .put("object", object)
                .put("created", clock.instant().getEpochSecond())
                .put("model", model)
                .put("system_fingerprint", SYSTEM_FINGERPRINT);
    }

    private static ObjectNode chatChunk(
            ObjectNode header, boolean includeUsage, Consumer<ObjectNode> fillDelta, String finishReason) {
        ObjectNode chunk = header.deepCopy();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        fillDelta.accept(choice.putObject("delta"));
        choice.putNull("logprobs").put("finish_reason", finishReason);
        return withNullUsage(chunk, includeUsage);
    }

    private static ObjectNode textChunk(
            ObjectNode header, boolean includeUsage, int index, String text, String finishReason) {
        ObjectNode chunk = header.deepCopy();
        chunk.putArray("choices")
                .addObject()
                .put("index", index)
                .put("text", text)
                .putNull("logprobs")
                .put("finish_reason", finishReason);
        return withNullUsage(chunk, includeUsage);
    }

    /** With include_usage, OpenAI sends {@code "usage": null} on every chunk but the last. */
    private static ObjectNode withNullUsage(ObjectNode chunk, boolean includeUsage) {
        return includeUsage ? chunk.putNull("usage") : chunk;
    }

    /** A tool call; streamed ones carry an index, and the arguments travel as a JSON string. */
    private ObjectNode toolCall(ToolCall call, boolean streamed) {
        ObjectNode json = replies.object();
        if (streamed) {
            json.put("index", 0);
        }
        json.put("id", call.id()).put("type", "function");
        json.putObject("function").put("name", call.name()).put("arguments", replies.serialize(call.arguments()));
        return json;
    }

    private ObjectNode usage(List<Generation> generations) {
        int prompt = generations.stream().mapToInt(Generation::promptTokens).sum();
        int completion =
                generations.stream().mapToInt(Generation::completionTokens).sum();
        return replies.object()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    private String event(ObjectNode chunk) {
        return "data: " + replies.serialize(chunk) + "\n\n";
    }
}
