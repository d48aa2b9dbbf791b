package io.palisade.config;

import java.time.Duration;
import java.util.List;

/**
 * Admission defaults and machinery. The {@code default*} values apply to every key that sets none
 * of its own (0 = unlimited); users and teams have only the limits an administrator gives them.
 *
 * @param defaultRequestsPerMinute per key
 * @param defaultTokensPerMinute per key
 * @param defaultMaxConcurrent in-flight requests per key
 * @param maxPromptTokens per request, estimated before forwarding
 * @param maxOutputTokens per request ({@code max_tokens})
 * @param clampOutput {@code max_tokens} above the cap is lowered to it (true) or refused (false)
 * @param defaultOutputCap output cap reserved (and sent to the backend) when a request sets none
 * @param tokensCounted which tokens count against tokens-per-minute and token budgets
 * @param redisUrl shared counters for every replica; null keeps counters in this process
 * @param failOpen when the shared counters are unreachable: admit without limits (true) or refuse with 503 (false)
 * @param pricing prices per model pattern, first match wins; models without a price cost 0
 * @param redisLease how long a concurrency slot in Redis outlives the last heartbeat of the replica
 *     holding it: a crashed replica's slots free themselves within this
 */
public record LimitsConfig(
        int defaultRequestsPerMinute,
        int defaultTokensPerMinute,
        int defaultMaxConcurrent,
        int maxPromptTokens,
        int maxOutputTokens,
        boolean clampOutput,
        int defaultOutputCap,
        TokensCounted tokensCounted,
        String redisUrl,
        boolean failOpen,
        List<Price> pricing,
        Duration redisLease) {
    public static final Duration DEFAULT_REDIS_LEASE = Duration.ofSeconds(10);

    public LimitsConfig {
        pricing = List.copyOf(pricing);
    }

    /** With the default Redis lease. */
    public LimitsConfig(
            int defaultRequestsPerMinute,
            int defaultTokensPerMinute,
            int defaultMaxConcurrent,
            int maxPromptTokens,
            int maxOutputTokens,
            boolean clampOutput,
            int defaultOutputCap,
            TokensCounted tokensCounted,
            String redisUrl,
            boolean failOpen,
            List<Price> pricing) {
        this(
                defaultRequestsPerMinute,
                defaultTokensPerMinute,
                defaultMaxConcurrent,
                maxPromptTokens,
                maxOutputTokens,
                clampOutput,
                defaultOutputCap,
                tokensCounted,
                redisUrl,
                failOpen,
                pricing,
                DEFAULT_REDIS_LEASE);
    }

    /** The defaults, with a requests-per-minute limit of {@code requestsPerMinute}. */
    public static LimitsConfig defaults(int requestsPerMinute) {
        return new LimitsConfig(
                requestsPerMinute, 0, 0, 0, 0, false, 1024, TokensCounted.TOTAL, null, false, List.of());
    }

    public enum TokensCounted {
        TOTAL,
        PROMPT,
        COMPLETION
    }

    /** US dollars per 1,000 prompt and completion tokens for models matching {@code model} ("*" patterns). */
    public record Price(String model, double promptPer1k, double completionPer1k) {}
}
