package io.palisade.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The acceptance check run after bring-up, after an upgrade, on pin drift and on a schedule
 * ({@code eval.smoke}; docs/evaluation.md, "Smoke evaluation").
 *
 * @param models the generators checked, one run each; empty = smoke evaluation not configured
 * @param judge the independent judge; never one of {@code models} (the loader refuses it)
 * @param threshold pass rate needed for PASS
 * @param golden a golden-set file; null = the short smoke set shipped in the jar
 * @param schedule how often each model is checked again; zero = no scheduled runs
 * @param maxAge how young a model's last passing run must be (exported for the alert)
 * @param allowSameFamily accept a judge of a generator's family (a weaker check)
 */
public record SmokeEvalConfig(
        List<String> models,
        String judge,
        double threshold,
        Path golden,
        Duration schedule,
        Duration maxAge,
        boolean allowSameFamily) {
    public static final double DEFAULT_THRESHOLD = 0.7;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
    public static final SmokeEvalConfig NOT_CONFIGURED =
            new SmokeEvalConfig(List.of(), null, DEFAULT_THRESHOLD, null, Duration.ZERO, DEFAULT_MAX_AGE, false);

    public SmokeEvalConfig {
        models = List.copyOf(models);
    }

    /** Whether generators and a judge are named, so that a smoke run can start. */
    public boolean configured() {
        return !models.isEmpty() && judge != null;
    }
}
