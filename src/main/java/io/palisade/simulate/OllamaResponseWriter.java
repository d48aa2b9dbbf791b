package io.palisade.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;

/**
 * Writes Ollama generation responses, whole or as an NDJSON stream of one token per line ending
 * with a {@code done: true} line that carries the counts and timings. Thread-safe.
 */
final class OllamaResponseWriter {
    private final JsonReplies replies;
    private final Pacer pacer;
    private final Clock clock;

    /** Chat responses carry a {@code message}; generate responses a bare {@code response} string. */
    enum Shape {
        CHAT,
        GENERATE
    }

    /**
     * Moments of one request, as {@link System#nanoTime()}: the reported prompt evaluation time is
     * the time until generation could start (the simulated latency), the evaluation time the rest.
     */
    record Timing(long startedNanos, long admittedNanos, long loadNanos) {}

    OllamaResponseWriter(JsonReplies replies, Pacer pacer, Clock clock) {
        this.replies = replies;
        this.pacer = pacer;
        this.clock = clock;
    }

    /** The single answer to a request that only loads or unloads the model. */
    ObjectNode loadFrame(Shape shape, String model, String doneReason) {
        return frame(shape, model, "", null, null, true).put("done_reason", doneReason);
    }

    void whole(Context ctx, Shape shape, String model, Generation generation, Timing timing) {
        pacer.pause(pacer.generationTime(generation.completionTokens()));
        String thinking = generation.thinkingPieces().isEmpty() ? null : generation.thinking();
        ObjectNode answer = frame(shape, model, generation.content(), thinking, generation.toolCall(), true);
        replies.json(ctx, withStatistics(answer, generation, timing));
    }

    void stream(
            Context ctx,
            Shape shape,
            String model,
            Generation generation,
            Timing timing,
            ResponseGate.Admission admission)
            throws IOException {
        int frames = generation.thinkingPieces().size()
                + generation.contentPieces().size()
                + (generation.toolCall() == null ? 0 : 1)
                + 1;
        var stream = ResponseStream.open(ctx, Dialect.OLLAMA.streamContentType(), admission.cutAfter(frames));
        var schedule = pacer.schedule();
        for (String piece : generation.thinkingPieces()) {
            schedule.awaitNextToken();
            if (!stream.send(line(frame(shape, model, "", piece, null, false)))) {
                return;
            }
        }
        for (String piece : generation.contentPieces()) {
            schedule.awaitNextToken();
            if (!stream.send(line(frame(shape, model, piece, null, null, false)))) {
                return;
            }
        }
        if (generation.toolCall() != null) {
            schedule.awaitNextToken();
            if (!stream.send(line(frame(shape, model, "", null, generation.toolCall(), false)))) {
                return;
            }
        }
        stream.send(line(withStatistics(frame(shape, model, "", null, null, true), generation, timing)));
    }

    private ObjectNode frame(
            Shape shape, String model, String content, String thinking, ToolCall toolCall, boolean done) {
        ObjectNode frame = replies.object()
                .put("model", model)
                .put("created_at", clock.instant().toString());
        if (shape == Shape.CHAT) {
            ObjectNode message =
                    frame.putObject("message").put("role", "assistant").put("content", content);
            if (thinking != null) {
                message.put("thinking", thinking);
            }
            if (toolCall != null) {
                ObjectNode call = message.putArray("tool_calls").addObject();
                call.putObject("function").put("name", toolCall.name()).set("arguments", toolCall.arguments());
            }
        } else {
            frame.put("response", content);
            if (thinking != null) {
                frame.put("thinking", thinking);
            }
        }
        return frame.put("done", done);
    }

    private ObjectNode withStatistics(ObjectNode frame, Generation generation, Timing timing) {
        long now = System.nanoTime();
        return frame.put("done_reason", generation.finishReason().wireName(Dialect.OLLAMA))
                .put("total_duration", atLeastOne(now - timing.startedNanos()))
                .put("load_duration", atLeastOne(timing.loadNanos()))
                .put("prompt_eval_count", generation.promptTokens())
                .put("prompt_eval_duration", atLeastOne(timing.admittedNanos() - timing.startedNanos()))
                .put("eval_count", generation.completionTokens())
                .put("eval_duration", atLeastOne(now - timing.admittedNanos()));
    }

    /** Clients divide counts by durations; a zero would make them divide by zero. */
    private static long atLeastOne(long nanos) {
        return Math.max(1, nanos);
    }

    private String line(ObjectNode frame) {
        return replies.serialize(frame) + "\n";
    }
}
