package io.palisade.admission;

import java.util.Locale;

/**
 * One budget of a scope, with its limit descriptions built once and its claim keys (which name the
 * period, e.g. "user:u1:budget:tokens:day:2026-11-23") kept for the period last asked for, so a
 * request builds neither. Thread-safe: the keys are an immutable record behind a volatile field;
 * threads that ask for a new period at once build equal keys and the last one stays.
 */
final class BudgetLimit {
    private final Budget budget;
    private final String tokensPrefix;
    private final String tokensDescription;
    private final String costPrefix;
    private final String costDescription;
    private final long costLimitMicros;
    private volatile Keys keys = new Keys(null, null, null);

    /** The keys of one period; {@code period} is the {@link BudgetPeriods.Window#id} they were built for. */
    private record Keys(String period, String tokens, String cost) {}

    /** {@code scopeName} and {@code scopeKey} as in {@link ScopeLimits}. */
    BudgetLimit(Budget budget, String scopeName, String scopeKey) {
        this.budget = budget;
        String per = " per " + budget.period().name().toLowerCase(Locale.ROOT);
        this.tokensPrefix = budget.tokens() == null ? null : scopeKey + ":budget:tokens:";
        this.tokensDescription = budget.tokens() == null ? null : scopeName + ": " + budget.tokens() + " tokens" + per;
        this.costPrefix = budget.cost() == null ? null : scopeKey + ":budget:cost:";
        this.costDescription = budget.cost() == null ? null : scopeName + ": $" + budget.cost() + per;
        this.costLimitMicros = budget.cost() == null ? 0 : Math.round(budget.cost() * 1_000_000);
    }

    Budget.Period period() {
        return budget.period();
    }

    /** A claim of {@code amount} tokens against this budget in {@code period}, or null when tokens are not capped. */
    Claim tokensClaim(BudgetPeriods.Window period, long amount) {
        return tokensPrefix == null
                ? null
                : new Claim(
                        Claim.Kind.BUDGET,
                        Claim.Measure.TOKENS,
                        keys(period.id()).tokens(),
                        budget.tokens(),
                        amount,
                        period.endMillis(),
                        tokensDescription);
    }

    /** A claim of {@code amount} micro-dollars against this budget in {@code period}, or null when cost is not capped. */
    Claim costClaim(BudgetPeriods.Window period, long amount) {
        return costPrefix == null
                ? null
                : new Claim(
                        Claim.Kind.BUDGET,
                        Claim.Measure.COST,
                        keys(period.id()).cost(),
                        costLimitMicros,
                        amount,
                        period.endMillis(),
                        costDescription);
    }

    private Keys keys(String period) {
        Keys current = keys;
        if (!period.equals(current.period())) {
            current = new Keys(
                    period,
                    tokensPrefix == null ? null : tokensPrefix + period,
                    costPrefix == null ? null : costPrefix + period);
            keys = current;
        }
        return current;
    }
}
