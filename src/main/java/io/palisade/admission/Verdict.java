package io.palisade.admission;

import java.util.List;

/**
 * The answer to a reservation. When refused, {@code refusedClaim} is the index of the first claim
 * that did not fit and {@code retryAfterMillis} when it may fit again (0 if unknown).
 * {@code remaining} holds, for each claim, what its counter has left after this reservation
 * (meaningful when admitted; see {@link #remaining(Claim)}). {@code unseededClaim}, when not -1, is a BUDGET claim whose counter does not exist
 * (a new period, or counters that lost their data): nothing was applied, and the caller seeds
 * that counter from durable usage ({@link Counters#seedBudget}) and reserves again.
 */
public record Verdict(
        boolean admitted, int refusedClaim, long retryAfterMillis, List<ClaimAmount> remaining, int unseededClaim) {
    public Verdict {
        remaining = List.copyOf(remaining);
    }

    public static Verdict admitted(List<ClaimAmount> remaining) {
        return new Verdict(true, -1, 0, remaining, -1);
    }

    public static Verdict refused(int claim, long retryAfterMillis) {
        return new Verdict(false, claim, retryAfterMillis, List.of(), -1);
    }

    public static Verdict unseeded(int claim) {
        return new Verdict(false, -1, 0, List.of(), claim);
    }

    /** True when the reservation could not be decided because a budget counter must be seeded first. */
    public boolean needsSeed() {
        return unseededClaim >= 0;
    }

    /** What {@code claim} (this very claim object, one of the reservation's) has left; 0 when not among them. */
    @SuppressWarnings("ReferenceEquality") // identity is the contract: claims may be equal in value
    public long remaining(Claim claim) {
        for (ClaimAmount left : remaining) {
            if (left.claim() == claim) {
                return left.amount();
            }
        }
        return 0;
    }
}
