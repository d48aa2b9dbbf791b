package io.palisade.simulate;

import java.util.List;

/**
 * A generated answer, already cut into the pieces a stream emits, one token each. Joining the
 * pieces gives exactly the text a non-streamed response carries, and the token counts are the same
 * either way.
 *
 * @param thinkingPieces reasoning text, empty unless thinking was requested
 * @param contentPieces the answer text
 * @param toolCall the function call made instead of an answer, or null
 * @param finishReason why generation ended
 * @param promptTokens tokens of the prompt
 * @param completionTokens tokens generated, thinking and tool call included
 */
record Generation(
        List<String> thinkingPieces,
        List<String> contentPieces,
        ToolCall toolCall,
        FinishReason finishReason,
        int promptTokens,
        int completionTokens) {

    enum FinishReason {
        STOP("stop", "stop"),
        LENGTH("length", "length"),
        /** Ollama has no separate reason for tool calls; it reports {@code stop}. */
        TOOL_CALLS("tool_calls", "stop");

        private final String openAi;
        private final String ollama;

        FinishReason(String openAi, String ollama) {
            this.openAi = openAi;
            this.ollama = ollama;
        }

        String wireName(Dialect dialect) {
            return dialect == Dialect.OPENAI ? openAi : ollama;
        }
    }

    Generation {
        thinkingPieces = List.copyOf(thinkingPieces);
        contentPieces = List.copyOf(contentPieces);
    }

    String thinking() {
        return String.join("", thinkingPieces);
    }

    String content() {
        return String.join("", contentPieces);
    }

    int totalTokens() {
        return promptTokens + completionTokens;
    }
}
