package io.palisade.simulate;

/**
 * How one response is to misbehave, if at all.
 *
 * @param kind the misbehaviour
 * @param status the HTTP status, meaningful for {@link Kind#STATUS} only
 */
record FailurePlan(Kind kind, int status) {
    static final FailurePlan NONE = new FailurePlan(Kind.NONE, 200);

    enum Kind {
        /** Answer normally. */
        NONE,
        /** Answer with an HTTP error in the dialect's shape. */
        STATUS,
        /** Wait 30 seconds, then answer normally. */
        TIMEOUT,
        /** Cut the connection: midway for a stream, before any byte otherwise. */
        DISCONNECT,
        /** Answer 200 with a body that is not valid JSON. */
        GARBAGE
    }

    static FailurePlan status(int status) {
        return new FailurePlan(Kind.STATUS, status);
    }
}
