package io.palisade.admission;

/**
 * The answer to a reservation. When refused, {@code refusedClaim} is the index of the first claim
 * that did not fit and {@code retryAfterMillis} when it may fit again (0 if unknown).
 * {@code remaining[i]} is what claim {@code i} has left after this reservation (meaningful when
 * admitted). {@code unseededClaim}, when not -1, is a BUDGET claim whose counter does not exist
 * (a new period, or counters that lost their data): nothing was applied, and the caller seeds
 * that counter from durable usage ({@link Counters#seedBudget}) and reserves again.
 */
public record Verdict(boolean admitted, int refusedClaim, long retryAfterMillis, long[] remaining, int unseededClaim) {
    public static Verdict admitted(long[] remaining) {
        return new Verdict(true, -1, 0, remaining, -1);
    }

    public static Verdict refused(int claim, long retryAfterMillis) {
        return new Verdict(false, claim, retryAfterMillis, new long[0], -1);
    }

    public static Verdict unseeded(int claim) {
        return new Verdict(false, -1, 0, new long[0], claim);
    }

    /** True when the reservation could not be decided because a budget counter must be seeded first. */
    public boolean needsSeed() {
        return unseededClaim >= 0;
    }
}
