package io.palisade.simulate;

import java.util.Locale;
import java.util.Random;

/**
 * Decides which responses fail. Random failures come from dice seeded with the config seed, so a
 * run that sends the same requests in the same order fails the same ones. A test can also force a
 * failure on one request with the {@value #HEADER} header. Thread-safe.
 */
final class FailureInjector {
    static final String HEADER = "x-simulate-fail";

    private final double errorRate;
    private final double disconnectRate;
    private final Random dice;

    FailureInjector(double errorRate, double disconnectRate, long seed) {
        this.errorRate = errorRate;
        this.disconnectRate = disconnectRate;
        this.dice = new Random(seed);
    }

    /**
     * The failure forced by the header value: {@code 500}, {@code 503}, {@code 429} (any 4xx/5xx
     * status works), {@code timeout}, {@code disconnect} or {@code garbage}; NONE when absent.
     * An unrecognised value is a 400, so that a typo in a test does not silently pass.
     */
    FailurePlan forced(String headerValue) {
        if (headerValue == null || headerValue.isBlank()) {
            return FailurePlan.NONE;
        }
        String value = headerValue.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "timeout" -> new FailurePlan(FailurePlan.Kind.TIMEOUT, 200);
            case "disconnect" -> new FailurePlan(FailurePlan.Kind.DISCONNECT, 200);
            case "garbage" -> new FailurePlan(FailurePlan.Kind.GARBAGE, 200);
            default -> FailurePlan.status(parseStatus(value));
        };
    }

    /**
     * Rolls the dice for one inference request. Both dice are always rolled so that the sequence
     * of outcomes does not depend on which requests stream.
     */
    FailurePlan roll(boolean streaming) {
        double errorRoll;
        double disconnectRoll;
        synchronized (dice) {
            errorRoll = dice.nextDouble();
            disconnectRoll = dice.nextDouble();
        }
        if (errorRoll < errorRate) {
            return FailurePlan.status(500);
        }
        if (streaming && disconnectRoll < disconnectRate) {
            return new FailurePlan(FailurePlan.Kind.DISCONNECT, 200);
        }
        return FailurePlan.NONE;
    }

    private static int parseStatus(String value) {
        try {
            int status = Integer.parseInt(value);
            if (status >= 400 && status <= 599) {
                return status;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw ApiError.badRequest(
                HEADER + " must be a 4xx/5xx status, timeout, disconnect or garbage; was '" + value + "'", HEADER);
    }
}
