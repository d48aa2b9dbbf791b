package io.palisade.simulate;

import java.util.Locale;
import java.util.Random;

/**
 * Deterministic, L2-normalised embedding vectors. A text's vector is the sum of one pseudo-random
 * vector per (lower-cased) token, seeded by model and token, so texts sharing words point in
 * similar directions: crude, but enough for retrieval demos to rank sensibly. A smaller
 * {@code dimensions} yields the re-normalised prefix of the full vector, as Matryoshka models do.
 * Thread-safe.
 */
final class EmbeddingGenerator {
    static final int DEFAULT_DIMENSIONS = 768;
    static final int MAX_DIMENSIONS = 8192;

    private final SimulatedTokenizer tokenizer;

    EmbeddingGenerator(SimulatedTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    float[] embed(String model, String text, int dimensions) {
        double[] sum = new double[dimensions];
        var tokens = tokenizer.tokens(text.toLowerCase(Locale.ROOT));
        if (tokens.isEmpty()) {
            // A fixed direction for empty text; the zero vector cannot be normalised.
            addRandomVector(sum, model, "");
        }
        for (String token : tokens) {
            addRandomVector(sum, model, token);
        }
        double squares = 0;
        for (double value : sum) {
            squares += value * value;
        }
        double norm = Math.sqrt(squares);
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (sum[i] / norm);
        }
        return vector;
    }

    private static void addRandomVector(double[] sum, String model, String token) {
        var random = new Random(StableHash.of("embedding", model, token));
        for (int i = 0; i < sum.length; i++) {
            sum[i] += random.nextGaussian();
        }
    }
}
