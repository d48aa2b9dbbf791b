package io.palisade.config;

import java.time.Duration;

/**
 * A candidate deployment that receives {@code percent} of a model's traffic until it is promoted
 * or rolled back. {@code sticky}: a user always lands on the same side (by a hash of the user id),
 * so one conversation does not flip between models.
 */
public record CanaryConfig(DeploymentConfig deployment, double percent, boolean sticky, Rollback rollback) {
    public static final double DEFAULT_PERCENT = 10;
    public static final boolean DEFAULT_STICKY = false;

    /**
     * When the candidate is rolled back automatically, judged over the last {@code window} once both
     * sides have at least {@code minRequests}: its error rate exceeds the baseline's by more than
     * {@code errorRateIncrease} (absolute, 0.05 = five points), or its median latency exceeds the
     * baseline's times {@code latencyRatio} (0 = not judged); or, with {@code onEvalRegression},
     * an evaluation run against it fails or regresses against the baseline's.
     */
    public record Rollback(
            Duration window, int minRequests, double errorRateIncrease, double latencyRatio, boolean onEvalRegression) {
        public static final Rollback DEFAULTS = new Rollback(Duration.ofMinutes(5), 20, 0.05, 2.0, true);
    }
}
