package io.palisade.eval;

/**
 * What to evaluate and how. {@code threshold} is the pass rate needed for PASS; {@code sanityTolerance}
 * the share of planted answers the judge may get wrong before the run is INVALID.
 * {@code generatorDeployment} (nullable) confines the generator to one deployment of its model,
 * e.g. a canary candidate, so that its own quality is measured.
 */
public record EvalRequest(
        String generator,
        String judge,
        GoldenSet golden,
        double threshold,
        int repeat,
        int concurrency,
        boolean allowSameFamily,
        int generatorMaxTokens,
        int judgeMaxTokens,
        int sanityCases,
        double sanityTolerance,
        String generatorDeployment) {

    public EvalRequest {
        if (generator == null || generator.isBlank() || judge == null || judge.isBlank()) {
            throw new EvalException(
                    EvalException.Kind.CONFIGURATION, "both a generator and a judge model are required");
        }
        if (threshold < 0 || threshold > 1) {
            throw new EvalException(EvalException.Kind.CONFIGURATION, "the threshold must be between 0 and 1");
        }
        if (repeat < 1 || repeat > 100 || concurrency < 1 || concurrency > 64) {
            throw new EvalException(EvalException.Kind.CONFIGURATION, "repeat must be 1..100 and concurrency 1..64");
        }
    }

    /** The defaults `palisade eval run` uses. */
    public static EvalRequest of(String generator, String judge, GoldenSet golden) {
        return new EvalRequest(generator, judge, golden, 0.7, 1, 4, false, 1024, 1024, 8, 0.25, null);
    }

    public EvalRequest onDeployment(String deployment) {
        return new EvalRequest(
                generator,
                judge,
                golden,
                threshold,
                repeat,
                concurrency,
                allowSameFamily,
                generatorMaxTokens,
                judgeMaxTokens,
                sanityCases,
                sanityTolerance,
                deployment);
    }
}
