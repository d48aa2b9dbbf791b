package io.palisade.admission;

/**
 * The answer to a reservation. When refused, {@code refusedClaim} is the index of the first claim
 * that did not fit and {@code retryAfterMillis} when it may fit again (0 if unknown, e.g. a full
 * concurrency limit). {@code remaining[i]} is what claim {@code i} has left after this reservation
 * (meaningful when admitted).
 */
public record Verdict(boolean admitted, int refusedClaim, long retryAfterMillis, long[] remaining) {
    public static Verdict admitted(long[] remaining) {
        return new Verdict(true, -1, 0, remaining);
    }

    public static Verdict refused(int claim, long retryAfterMillis) {
        return new Verdict(false, claim, retryAfterMillis, new long[0]);
    }
}
