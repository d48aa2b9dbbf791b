package io.palisade.eval;

/**
 * How the evaluator reaches models: through Palisade's own API, like any caller (its own key,
 * audited, limited), plus two admin operations. Implementations are thread-safe.
 */
public interface EvalGateway {
    /** Options of one chat request. {@code jsonSchema} non-null asks for structured output. */
    record ChatOptions(int maxTokens, Double temperature, boolean thinkingOff, com.fasterxml.jackson.databind.JsonNode jsonSchema) {}

    /** The answer text; throws {@link EvalException} (connectivity) when the request fails. */
    String chat(String model, String prompt, ChatOptions options);

    /** The model's family, or null when neither config nor backend can say. */
    String family(String model);

    /** Unloads the model where the backend supports it: {supported, confirmed}. */
    boolean[] unload(String model);
}
