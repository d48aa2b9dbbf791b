package io.palisade.simulate;

import java.util.List;

/**
 * Everything that decides a generated answer, with each dialect's request already mapped onto it.
 *
 * @param model the model name as requested
 * @param messages the conversation; a plain prompt is one {@code user} message
 * @param promptStyle whether the prompt goes through a chat template (costs tokens per message)
 * @param seed sampling seed; ignored when {@code temperature} is 0, as greedy decoding ignores it
 * @param temperature sampling temperature
 * @param maxTokens cap on generated tokens (thinking included), 0 for none
 * @param stop stop sequences; the answer ends before the first one found
 * @param ignoreEos vLLM's {@code ignore_eos}: keep generating until {@code maxTokens}
 * @param format free text or JSON
 * @param thinking whether reasoning text was asked for, refused, or left to the model
 * @param tools the tools offered
 */
record GenerationRequest(
        String model,
        List<ChatMessage> messages,
        PromptStyle promptStyle,
        long seed,
        double temperature,
        int maxTokens,
        List<String> stop,
        boolean ignoreEos,
        OutputFormat format,
        Thinking thinking,
        ToolRequest tools) {

    enum PromptStyle {
        /** Messages go through a chat template: {@link TextGenerator#PER_MESSAGE_OVERHEAD} tokens each. */
        CHAT,
        /** The text is fed to the model as is (OpenAI completions, Ollama {@code raw}). */
        RAW
    }

    /**
     * The request's reasoning switch. Left unspecified, a reasoning model reasons in its content
     * inside {@code <think>} tags, as Qwen3 and DeepSeek-R1 do when their server does not separate it.
     */
    enum Thinking {
        UNSPECIFIED,
        /** Reasoning is asked for and reported apart from the content ({@code think: true}). */
        ENABLED,
        /** Reasoning is switched off ({@code think: false}). */
        DISABLED
    }

    GenerationRequest {
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
    }

    /** Whether to produce reasoning text, reported apart from the answer, before the answer. */
    boolean think() {
        return thinking == Thinking.ENABLED;
    }
}
