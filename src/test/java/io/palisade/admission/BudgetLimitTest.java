package io.palisade.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A budget's claims name its current period, even after the keys of another period were built. */
class BudgetLimitTest {
    private final BudgetPeriods periods = new BudgetPeriods();

    @Test
    void claimKeysFollowThePeriodAndDescriptionsNameTheLimit() {
        BudgetLimit budget = new BudgetLimit(new Budget(Budget.Period.DAY, 800L, 0.25), "team ml", "team:t1");
        BudgetPeriods.Window monday = periods.at(Budget.Period.DAY, millis("2026-11-23T23:59:59.999Z"));
        assertThat(budget.tokensClaim(monday, 40))
                .isEqualTo(new Claim(
                        Claim.Kind.BUDGET,
                        Claim.Measure.TOKENS,
                        "team:t1:budget:tokens:day:2026-11-23",
                        800,
                        40,
                        millis("2026-11-24T00:00:00Z"),
                        "team ml: 800 tokens per day"));
        assertThat(budget.costClaim(monday, 9))
                .isEqualTo(new Claim(
                        Claim.Kind.BUDGET,
                        Claim.Measure.COST,
                        "team:t1:budget:cost:day:2026-11-23",
                        250_000,
                        9,
                        millis("2026-11-24T00:00:00Z"),
                        "team ml: $0.25 per day"));

        BudgetPeriods.Window tuesday = periods.at(Budget.Period.DAY, millis("2026-11-24T00:00:00Z"));
        assertThat(budget.tokensClaim(tuesday, 40).key()).isEqualTo("team:t1:budget:tokens:day:2026-11-24");
        assertThat(budget.costClaim(tuesday, 9).key()).isEqualTo("team:t1:budget:cost:day:2026-11-24");
        assertThat(budget.tokensClaim(monday, 40).key())
                .as("the clock set back")
                .isEqualTo("team:t1:budget:tokens:day:2026-11-23");
    }

    @Test
    void anUncappedDimensionHasNoClaim() {
        BudgetPeriods.Window week = periods.at(Budget.Period.WEEK, millis("2026-11-29T10:00:00Z"));
        BudgetLimit tokensOnly = new BudgetLimit(new Budget(Budget.Period.WEEK, 100L, null), "key k1", "key:k1");
        assertThat(tokensOnly.costClaim(week, 1)).isNull();
        assertThat(tokensOnly.tokensClaim(week, 1).describe()).isEqualTo("key k1: 100 tokens per week");
        BudgetLimit costOnly =
                new BudgetLimit(new Budget(Budget.Period.MONTH, null, 0.000001), "user ana@example.com", "user:u1");
        assertThat(costOnly.tokensClaim(week, 1)).isNull();
        BudgetPeriods.Window month = periods.at(Budget.Period.MONTH, millis("2026-11-29T10:00:00Z"));
        assertThat(costOnly.costClaim(month, 1))
                .isEqualTo(new Claim(
                        Claim.Kind.BUDGET,
                        Claim.Measure.COST,
                        "user:u1:budget:cost:month:2026-11",
                        1,
                        1,
                        millis("2026-12-01T00:00:00Z"),
                        "user ana@example.com: $1.0E-6 per month"));
    }

    private static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }
}
