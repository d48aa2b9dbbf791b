package io.palisade.simulate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated judge models of evaluation tests: a model with a {@link JudgeMode} answers a
 * {@link JudgePrompt grading request} with a verdict, {@code {"verdict":"pass"|"fail","score":0..1,
 * "reason":"..."}}.
 *
 * <p>Asked for structured output the verdict is the whole answer; otherwise it comes wrapped in
 * chatty prose and a Markdown code fence, as small models answer, so that the evaluator's tolerant
 * parsing gets exercised. The malformed modes answer text that no parser can read as a verdict:
 * prose without JSON, or JSON cut off before its end. Which of the two is decided by a die seeded
 * from the simulator's seed, the model, the graded pair and how often it was graded before, so a
 * fresh simulator with the same seed replays identically. Thread-safe.
 */
final class Judge {
    private final Map<String, JudgeMode> modeByModel;
    private final ModelCatalog catalog;
    private final JsonReplies replies;
    private final String seed;
    private final Map<Graded, Integer> timesGraded = new ConcurrentHashMap<>();

    private record Graded(String model, String question, String answer) {}

    private record Verdict(boolean pass, double score, String reason) {}

    Judge(Map<String, JudgeMode> judgeModes, ModelCatalog catalog, JsonReplies replies, long seed) {
        this.modeByModel = catalog.byServedName(judgeModes);
        this.catalog = catalog;
        this.replies = replies;
        this.seed = Long.toString(seed);
    }

    /**
     * The judge's whole answer when the model is a judge and the user's text asks for a grade, else
     * empty. Each grading counts as one more time the model graded that (question, answer) pair.
     */
    Optional<String> reply(String requestedModel, String userText, OutputFormat format) {
        String model = catalog.servedName(requestedModel);
        JudgeMode mode = modeByModel.get(model);
        if (mode == null) {
            return Optional.empty();
        }
        Optional<JudgePrompt> prompt = JudgePrompt.parse(userText);
        if (prompt.isEmpty()) {
            return Optional.empty();
        }
        var graded = new Graded(
                model,
                Whitespace.collapse(prompt.get().question()),
                Whitespace.collapse(prompt.get().answer()));
        int gradedBefore = timesGraded.merge(graded, 1, Integer::sum) - 1;
        Verdict verdict = switch (mode) {
            case LENIENT -> new Verdict(true, 1.0, "Lenient grading: every answer passes.");
            case HARSH -> new Verdict(false, 0.0, "Harsh grading: every answer fails.");
            case STRICT, MALFORMED_FIRST, MALFORMED_ALWAYS -> strict(prompt.get());
        };
        String json = replies.serialize(replies.object()
                .put("verdict", verdict.pass() ? "pass" : "fail")
                .put("score", verdict.score())
                .put("reason", verdict.reason()));
        boolean malformed =
                mode == JudgeMode.MALFORMED_ALWAYS || (mode == JudgeMode.MALFORMED_FIRST && gradedBefore == 0);
        if (malformed) {
            return Optional.of(malformed(graded, gradedBefore, verdict, json));
        }
        boolean structured = format.kind() != OutputFormat.Kind.TEXT;
        return Optional.of(structured ? json : "Here is my assessment:\n```json\n" + json + "\n```");
    }

    private static Verdict strict(JudgePrompt prompt) {
        String answer = comparable(prompt.answer());
        // A competent judge accepts the reference answer itself even when the key points are
        // descriptions ("says blue") rather than literal text.
        String reference = prompt.reference() == null ? "" : comparable(prompt.reference());
        if (!reference.isEmpty() && !reference.equals("(none)") && answer.equals(reference)) {
            return new Verdict(true, 1.0, "The answer matches the reference answer.");
        }
        List<String> missing = prompt.keyPoints().stream()
                .filter(point -> !answer.contains(comparable(point)))
                .toList();
        int total = prompt.keyPoints().size();
        if (total == 0) {
            return new Verdict(true, 1.0, "There are no key points to check.");
        }
        double score = (double) (total - missing.size()) / total;
        if (missing.isEmpty()) {
            return new Verdict(
                    true,
                    score,
                    total == 1 ? "The key point is present." : "All " + total + " key points are present.");
        }
        return new Verdict(
                false,
                score,
                "Missing " + missing.size() + " of " + total + " key points, e.g. \"" + missing.getFirst() + "\".");
    }

    private static String comparable(String text) {
        return Whitespace.collapse(text).toLowerCase(Locale.ROOT);
    }

    /** Neither form contains a closing brace, so no parser can find a complete verdict object in it. */
    private String malformed(Graded graded, int gradedBefore, Verdict verdict, String json) {
        long die =
                StableHash.of(seed, graded.model(), graded.question(), graded.answer(), Integer.toString(gradedBefore));
        if ((die & 1) == 0) {
            return "Sure! The verdict is " + (verdict.pass() ? "pass" : "fail");
        }
        return json.substring(0, json.indexOf(",\"reason\""));
    }
}
