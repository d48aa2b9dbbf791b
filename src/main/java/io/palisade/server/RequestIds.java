package io.palisade.server;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Request ids: a caller's {@code X-Request-Id} is kept when it is a sane token (so traces join up
 * across systems), otherwise a fresh one is made. Sanity matters: the id is echoed in headers,
 * logs and the audit, so it must not carry control characters or unbounded length.
 */
public final class RequestIds {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private RequestIds() {}

    public static String accept(String presented) {
        return presented != null && SAFE.matcher(presented).matches() ? presented : fresh();
    }

    public static String fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(System.currentTimeMillis()) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }
}
