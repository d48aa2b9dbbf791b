package io.palisade.upstream.ollama;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * OpenAI's completion {@code prompt} to Ollama's single prompt string. OpenAI also accepts a batch
 * of prompts and pre-tokenised prompts; Ollama's generate endpoint takes exactly one text, so
 * those are refused rather than quietly answering only part of the batch.
 */
final class CompletionPrompt {
    private CompletionPrompt() {}

    static String single(JsonNode prompt) {
        if (RequestField.isAbsent(prompt)) {
            throw RequestField.invalid("prompt is required", "prompt");
        }
        if (prompt.isTextual()) {
            return prompt.textValue();
        }
        if (!prompt.isArray()) {
            throw RequestField.invalid("prompt must be a string", "prompt");
        }
        if (prompt.size() != 1) {
            throw RequestField.invalid(
                    "this model's backend takes exactly one prompt per request; send one string", "prompt");
        }
        if (!prompt.get(0).isTextual()) {
            throw RequestField.invalid("token-array prompts are not supported; send the prompt as text", "prompt[0]");
        }
        return prompt.get(0).textValue();
    }
}
