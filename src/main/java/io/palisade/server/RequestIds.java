package io.palisade.server;

import io.javalin.http.Context;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Request ids. Every request gets Palisade's own id, freshly made and never taken from the
 * caller: it is the request's identity in the audit, so a caller must not be able to choose it
 * (and make two of its requests share one). A caller's {@code X-Request-Id} is kept apart as the
 * client request id, when it is a sane token, so traces still join up across systems: it is
 * recorded, searchable and echoed back, never used to identify, merge or overwrite a record.
 * Sanity matters: the client's id is echoed in headers and stored, so it must not carry control
 * characters or unbounded length; an insane one is dropped, not repaired.
 */
public final class RequestIds {
    /** The caller's id is read from this header; Palisade's own id is answered in it. */
    public static final String HEADER = "X-Request-Id";
    /** The caller's own (sane) request id, echoed back. */
    public static final String CLIENT_HEADER = "X-Client-Request-Id";

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private RequestIds() {}

    /**
     * Gives the exchange its ids: Palisade's in {@link Exchanges#REQUEST_ID} and the
     * {@value #HEADER} answer header, the caller's (if sane) in {@link Exchanges#CLIENT_REQUEST_ID}
     * and the {@value #CLIENT_HEADER} answer header.
     */
    static void assign(Context ctx) {
        String clientRequestId = client(ctx.header(HEADER));
        String requestId = fresh();
        ctx.attribute(Exchanges.REQUEST_ID, requestId);
        ctx.header(HEADER, requestId);
        if (clientRequestId != null) {
            ctx.attribute(Exchanges.CLIENT_REQUEST_ID, clientRequestId);
            ctx.header(CLIENT_HEADER, clientRequestId);
        }
    }

    /** The caller's id when it is a sane token, else null. */
    public static String client(String presented) {
        return presented != null && SAFE.matcher(presented).matches() ? presented : null;
    }

    /** A new id, unique in practice: the time in milliseconds and 63 random bits. */
    public static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(System.currentTimeMillis())
                + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }
}
