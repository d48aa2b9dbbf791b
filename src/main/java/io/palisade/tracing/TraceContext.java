package io.palisade.tracing;

import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C trace context for one request: the trace it belongs to (the caller's, from its
 * {@code traceparent}, or a new one), the gateway's own span, and the span of the backend call.
 * The backend receives {@code traceparent} naming the backend-call span, so its spans join the
 * caller's trace. Immutable.
 */
public record TraceContext(
        String traceId, String parentSpanId, String serverSpanId, String clientSpanId, boolean sampled) {
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    /** Continues the caller's trace when {@code traceparent} is valid; otherwise starts one. */
    public static TraceContext from(String traceparent) {
        if (traceparent != null) {
            var matcher = TRACEPARENT.matcher(traceparent.trim().toLowerCase(Locale.ROOT));
            if (matcher.matches()
                    && !matcher.group(1).equals(ZERO_TRACE)
                    && !matcher.group(2).equals(ZERO_SPAN)) {
                boolean sampled = (Integer.parseInt(matcher.group(3), 16) & 1) == 1;
                return new TraceContext(matcher.group(1), matcher.group(2), randomHex(8), randomHex(8), sampled);
            }
        }
        return new TraceContext(randomHex(16), null, randomHex(8), randomHex(8), true);
    }

    /** This context with the sampling decision made for it (the header to the backend carries it). */
    public TraceContext withSampled(boolean decision) {
        return new TraceContext(traceId, parentSpanId, serverSpanId, clientSpanId, decision);
    }

    /** The header for the backend: this trace, with the backend call as parent. */
    public String backendTraceparent() {
        return "00-" + traceId + "-" + clientSpanId + "-" + (sampled ? "01" : "00");
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
