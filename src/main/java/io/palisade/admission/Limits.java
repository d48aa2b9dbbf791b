package io.palisade.admission;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The limits of one scope (a key, a user or a team). Null fields are not limited at that scope.
 * {@code models} holds extra limits for models matching a pattern ("llama*"); they apply in
 * addition to the scope's own limits, with their own counters. Immutable.
 */
public record Limits(
        Integer requestsPerMinute,
        Integer tokensPerMinute,
        Integer maxConcurrent,
        Integer maxPromptTokens,
        Integer maxOutputTokens,
        Integer maxBodyBytes,
        List<Budget> budgets,
        Map<String, Limits> models) {

    public static final Limits NONE = new Limits(null, null, null, null, null, null, List.of(), Map.of());

    public Limits {
        budgets = List.copyOf(budgets);
        models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** These limits with {@code defaults} filling the fields left unset (used for the key scope). */
    public Limits orDefaults(
            Integer defaultRequestsPerMinute, Integer defaultTokensPerMinute, Integer defaultMaxConcurrent) {
        return new Limits(
                requestsPerMinute != null ? requestsPerMinute : defaultRequestsPerMinute,
                tokensPerMinute != null ? tokensPerMinute : defaultTokensPerMinute,
                maxConcurrent != null ? maxConcurrent : defaultMaxConcurrent,
                maxPromptTokens,
                maxOutputTokens,
                maxBodyBytes,
                budgets,
                models);
    }

    public Limits withRequestsPerMinute(Integer value) {
        return new Limits(
                value, tokensPerMinute, maxConcurrent, maxPromptTokens, maxOutputTokens, maxBodyBytes, budgets, models);
    }
}
