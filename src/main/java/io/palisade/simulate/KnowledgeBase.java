package io.palisade.simulate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The questions the simulated models know, for evaluation tests: asked one of them, a model
 * answers right with the probability of its accuracy.
 *
 * <p>Whether an answer is right is decided by a die seeded from the simulator's seed, the model,
 * the question and how many times this model was asked it before. Asking again may therefore
 * change the answer, which is how flaky cases arise, while a fresh simulator with the same seed
 * asked in the same order answers identically. Thread-safe.
 */
final class KnowledgeBase {
    private static final double DEFAULT_ACCURACY = 1.0;
    /** 53 random bits make every double in [0, 1) equally likely, as {@link java.util.Random#nextDouble()} does. */
    private static final double UNIT_PER_53_BITS = 0x1.0p-53;

    private final Map<String, KnownAnswer> byQuestion = new HashMap<>();
    private final Map<String, Double> accuracyByModel;
    private final ModelCatalog catalog;
    private final String seed;
    private final Map<Asked, Integer> timesAsked = new ConcurrentHashMap<>();

    private record Asked(String model, String question) {}

    KnowledgeBase(List<KnownAnswer> knowledge, Map<String, Double> accuracy, ModelCatalog catalog, long seed) {
        for (KnownAnswer known : knowledge) {
            byQuestion.putIfAbsent(known.matchedQuestion(), known);
        }
        this.accuracyByModel = catalog.byServedName(accuracy);
        this.catalog = catalog;
        this.seed = Long.toString(seed);
    }

    /**
     * The answer the model gives when the user's text is a known question, or empty otherwise. Each
     * call with a known question counts as one more time the model was asked it.
     */
    Optional<String> answer(String requestedModel, String userText) {
        KnownAnswer known = byQuestion.get(Whitespace.collapse(userText));
        if (known == null) {
            return Optional.empty();
        }
        String model = catalog.servedName(requestedModel);
        String question = known.matchedQuestion();
        int askedBefore = timesAsked.merge(new Asked(model, question), 1, Integer::sum) - 1;
        long die = StableHash.of(seed, model, question, Integer.toString(askedBefore));
        double roll = (die >>> 11) * UNIT_PER_53_BITS;
        boolean right = roll < accuracyByModel.getOrDefault(model, DEFAULT_ACCURACY);
        return Optional.of(right ? known.correctAnswer() : known.wrongAnswer());
    }
}
