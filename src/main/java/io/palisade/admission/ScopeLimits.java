package io.palisade.admission;

import io.palisade.auth.ModelGrants;
import io.palisade.store.LimitsStore;
import java.util.ArrayList;
import java.util.List;

/**
 * One scope's limits (a key, a user or a team, or one of their per-model limits) with the names its
 * counters, usage rows and refusals go by. The claim keys, limit descriptions and header values
 * are built here once, when {@link CallerScopes} builds the scope, rather than by string
 * concatenation on every request; what differs per request (amounts, expiries) is filled in by
 * the claim methods. Immutable, and thread-safe (its budgets keep their keys thread-safely).
 */
final class ScopeLimits {
    private final String name;
    private final String key;
    private final LimitsStore.Scope scope;
    private final String usageValue;
    private final String modelPattern;
    /** The pattern compiled, or null for the scope itself. */
    private final ModelGrants modelGrants;

    private final Limits limits;
    private final boolean isKey;
    /** Null when not limited. Amount 1 and no expiry: one claim serves every request. */
    private final Claim requests;

    private final String requestsLimitHeader;
    private final String tokensKey;
    private final String tokensDescription;
    private final String tokensLimitHeader;
    private final String concurrentKey;
    private final String concurrentDescription;
    private final List<BudgetLimit> budgets;
    private final List<ScopeLimits> modelScopes;

    /**
     * {@code scope} says whose limits these are (the key's, a user's or a team's);
     * {@code name} names the scope in refusals ("team ml"), {@code key} its counters ("team:t1");
     * {@code modelPattern} is null for the scope itself and the pattern for one of its per-model
     * limits. A scope's per-model limits become its {@link #modelScopes}.
     */
    ScopeLimits(
            LimitsStore.Scope scope, String name, String key, String usageValue, String modelPattern, Limits limits) {
        this.name = name;
        this.key = key;
        this.scope = scope;
        this.usageValue = usageValue;
        this.modelPattern = modelPattern;
        this.modelGrants = modelPattern == null ? null : ModelGrants.of(List.of(modelPattern));
        this.limits = limits;
        this.isKey = scope == LimitsStore.Scope.KEY && modelPattern == null;
        this.requests = positive(limits.requestsPerMinute())
                ? new Claim(
                        Claim.Kind.RATE,
                        Claim.Measure.REQUESTS,
                        key + ":rpm",
                        limits.requestsPerMinute(),
                        1,
                        0,
                        name + ": " + limits.requestsPerMinute() + " requests per minute")
                : null;
        this.requestsLimitHeader = requests == null ? null : Long.toString(requests.limit());
        boolean tokens = positive(limits.tokensPerMinute());
        this.tokensKey = tokens ? key + ":tpm" : null;
        this.tokensDescription = tokens ? name + ": " + limits.tokensPerMinute() + " tokens per minute" : null;
        this.tokensLimitHeader = tokens ? Long.toString(limits.tokensPerMinute()) : null;
        boolean concurrent = positive(limits.maxConcurrent());
        this.concurrentKey = concurrent ? key + ":concurrent" : null;
        this.concurrentDescription = concurrent ? name + ": " + limits.maxConcurrent() + " requests at once" : null;
        List<BudgetLimit> budgetLimits = new ArrayList<>();
        for (Budget budget : limits.budgets()) {
            budgetLimits.add(new BudgetLimit(budget, name, key));
        }
        this.budgets = List.copyOf(budgetLimits);
        List<ScopeLimits> perModel = new ArrayList<>();
        if (modelPattern == null) {
            // Per-model limits cannot nest: only a scope's own limits have them.
            limits.models()
                    .forEach((pattern, modelLimits) -> perModel.add(new ScopeLimits(
                            scope,
                            name + " for " + pattern,
                            key + ":model:" + pattern,
                            usageValue,
                            pattern,
                            modelLimits)));
        }
        this.modelScopes = List.copyOf(perModel);
    }

    String name() {
        return name;
    }

    String key() {
        return key;
    }

    /** Whose limits these are: the key's, a user's or a team's (also which usage rows count toward them). */
    LimitsStore.Scope scope() {
        return scope;
    }

    String usageValue() {
        return usageValue;
    }

    String modelPattern() {
        return modelPattern;
    }

    /** True for a per-model scope whose pattern matches {@code model}. */
    boolean appliesTo(String model) {
        return modelGrants != null && modelGrants.allows(model);
    }

    Limits limits() {
        return limits;
    }

    /** The API key's own scope, whose rate limits the x-ratelimit-* headers report. */
    boolean isKey() {
        return isKey;
    }

    /** The requests-per-minute claim (amount 1), or null when not limited. */
    Claim requestsClaim() {
        return requests;
    }

    /** The x-ratelimit-limit-requests value, when requests are limited. */
    String requestsLimitHeader() {
        return requestsLimitHeader;
    }

    /** A tokens-per-minute claim of {@code amount}, or null when not limited. */
    Claim tokensClaim(long amount) {
        return tokensKey == null
                ? null
                : new Claim(
                        Claim.Kind.RATE,
                        Claim.Measure.TOKENS,
                        tokensKey,
                        limits.tokensPerMinute(),
                        amount,
                        0,
                        tokensDescription);
    }

    /** The x-ratelimit-limit-tokens value, when tokens are limited. */
    String tokensLimitHeader() {
        return tokensLimitHeader;
    }

    /** A concurrency slot that frees itself at {@code expiresAtMillis}, or null when not limited. */
    Claim concurrencyClaim(long expiresAtMillis) {
        return concurrentKey == null
                ? null
                : new Claim(
                        Claim.Kind.CONCURRENCY,
                        Claim.Measure.REQUESTS,
                        concurrentKey,
                        limits.maxConcurrent(),
                        1,
                        expiresAtMillis,
                        concurrentDescription);
    }

    List<BudgetLimit> budgets() {
        return budgets;
    }

    /** The scope's per-model limits, each a scope of its own; empty for a per-model scope. */
    List<ScopeLimits> modelScopes() {
        return modelScopes;
    }

    private static boolean positive(Integer value) {
        return value != null && value > 0;
    }
}
