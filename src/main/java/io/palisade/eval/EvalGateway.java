package io.palisade.eval;

/**
 * How the evaluator reaches models: through Palisade's own API, like any caller (its own key,
 * audited, limited), plus two admin operations. Implementations are thread-safe.
 */
public interface EvalGateway {
    /** Options of one chat request. {@code jsonSchema} non-null asks for structured output. */
    record ChatOptions(
            int maxTokens,
            Double temperature,
            boolean thinkingOff,
            com.fasterxml.jackson.databind.JsonNode jsonSchema) {}

    /** The answer text; throws {@link EvalException} (connectivity) when the request fails. */
    String chat(String model, String prompt, ChatOptions options);

    /** The model's family, or null when neither config nor backend can say. */
    String family(String model);

    /** Unloads the model where the backend supports it. */
    Unloaded unload(String model);

    /** What an unload achieved: whether the backend can unload at all, and whether it confirmed doing so. */
    record Unloaded(boolean supported, boolean confirmed) {
        public static final Unloaded NOT_DONE = new Unloaded(false, false);
    }

    /**
     * The two model-administration questions a run asks besides chats, answered in-process by the
     * gateway that runs the evaluation. Implementations are thread-safe.
     */
    interface Models {
        /** The model's family, or null when neither config nor backend can say (or the model does not exist). */
        String family(String model);

        /** Unloads the model (on the deployment under evaluation when it is the generator of a canary run). */
        Unloaded unload(String model);
    }
}
