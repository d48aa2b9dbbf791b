package io.palisade.simulate;

import io.javalin.http.Context;
import java.time.Duration;

/**
 * Applies the simulated delay and the planned failure before a response is produced. Inference
 * requests get the configured latency and the failure dice; every request honours the
 * {@value #LATENCY_HEADER} and {@value FailureInjector#HEADER} headers. Thread-safe.
 */
final class ResponseGate {
    static final String LATENCY_HEADER = "x-simulate-latency-ms";
    static final Duration TIMEOUT_STALL = Duration.ofSeconds(30);

    private final FailureInjector injector;
    private final Pacer pacer;
    private final Duration latency;

    /** What the handler should do after the gate. */
    enum Admission {
        /** Produce the response normally. */
        PROCEED,
        /** Stream normally but cut the connection halfway. */
        CUT_MID_STREAM,
        /** The gate already answered (or hung up); the handler must not write anything. */
        HANDLED;

        /** After how many frames of a stream of {@code frames} the connection is cut. */
        int cutAfter(int frames) {
            return this == CUT_MID_STREAM ? Math.max(1, frames / 2) : ResponseStream.NEVER_CUT;
        }
    }

    ResponseGate(FailureInjector injector, Pacer pacer, Duration latency) {
        this.injector = injector;
        this.pacer = pacer;
        this.latency = latency;
    }

    /** For a validated inference request (generation or embedding). */
    Admission admitInference(Context ctx, Dialect dialect, boolean streaming) {
        FailurePlan plan = injector.forced(ctx.header(FailureInjector.HEADER));
        if (plan.kind() == FailurePlan.Kind.NONE) {
            plan = injector.roll(streaming);
        }
        return apply(ctx, dialect, plan, latencyFor(ctx, latency), streaming);
    }

    /** For listing, health and metadata requests: only the headers apply. */
    Admission admitOther(Context ctx, Dialect dialect) {
        FailurePlan plan = injector.forced(ctx.header(FailureInjector.HEADER));
        return apply(ctx, dialect, plan, latencyFor(ctx, Duration.ZERO), false);
    }

    private Admission apply(Context ctx, Dialect dialect, FailurePlan plan, Duration delay, boolean streaming) {
        pacer.pause(delay);
        return switch (plan.kind()) {
            case NONE -> Admission.PROCEED;
            case STATUS -> throw injected(plan.status());
            case TIMEOUT -> {
                pacer.pause(TIMEOUT_STALL);
                yield Admission.PROCEED;
            }
            case GARBAGE -> {
                ctx.status(200)
                        .contentType(streaming ? dialect.streamContentType() : JsonReplies.JSON)
                        .result(streaming ? dialect.garbageFrame() : "{\"simulated\": garbage, <not json>");
                yield Admission.HANDLED;
            }
            case DISCONNECT -> {
                if (streaming) {
                    yield Admission.CUT_MID_STREAM;
                }
                ResponseStream.abortConnection(ctx);
                yield Admission.HANDLED;
            }
        };
    }

    private static Duration latencyFor(Context ctx, Duration fallback) {
        String header = ctx.header(LATENCY_HEADER);
        if (header == null || header.isBlank()) {
            return fallback;
        }
        try {
            long millis = Long.parseLong(header.trim());
            if (millis >= 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw ApiError.badRequest(
                LATENCY_HEADER + " must be a non-negative integer, was '" + header + "'", LATENCY_HEADER);
    }

    private static ApiError injected(int status) {
        String type = status == 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
        String code = status == 429 ? "rate_limit_exceeded" : null;
        return new ApiError(status, "simulated failure (HTTP " + status + ")", type, null, code);
    }
}
