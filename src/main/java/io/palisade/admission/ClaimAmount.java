package io.palisade.admission;

/**
 * An amount that belongs to one claim of a reservation: what a request actually used, when it is
 * settled ({@link Counters#settle}), or what the claim's counter has left, when it is reserved
 * ({@link Verdict#remaining}). Immutable.
 */
public record ClaimAmount(Claim claim, long amount) {}
