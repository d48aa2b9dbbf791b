package io.palisade.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How requests are spread, retried and failed over, and how served models are checked.
 *
 * @param maxAttempts attempts per public model (the first try plus retries), each preferring a deployment not yet tried
 * @param maxTotalAttempts attempts per request across the model and its fallbacks: the request's retry budget
 * @param retryBudget no new attempt starts later than this after the request arrived
 * @param backoff first pause before retrying the same deployment; doubles per retry (with jitter), capped by {@code backoffMax}
 * @param breakerFailures consecutive failures that open a deployment's circuit breaker
 * @param breakerCoolDown how long an open breaker keeps the deployment out before one trial request
 * @param verifyInterval how often pinned deployments are checked (0 = only at start and on demand)
 * @param stopOnDrift a drifted deployment stops receiving traffic (true) or only raises the alarm (false)
 * @param lockFile pins written by {@code palisade models lock}; applied to deployments without a pin of their own
 * @param promotionRequiresEval {@code palisade models promote} needs a passing evaluation of the candidate unless forced
 * @param watchConfig reload the config file when it changes
 */
public record RoutingConfig(
        int maxAttempts,
        int maxTotalAttempts,
        Duration retryBudget,
        Duration backoff,
        Duration backoffMax,
        int breakerFailures,
        Duration breakerCoolDown,
        Duration verifyInterval,
        boolean stopOnDrift,
        Path lockFile,
        boolean promotionRequiresEval,
        boolean watchConfig) {
    public static final RoutingConfig DEFAULTS = new RoutingConfig(
            3,
            6,
            Duration.ofSeconds(30),
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            5,
            Duration.ofSeconds(30),
            Duration.ofMinutes(5),
            true,
            null,
            true,
            true);
}
