package io.palisade;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way tests wait: for a condition, polled with a short pause, up to a bound that fails the
 * test with what was awaited (never for time to pass; a test that needs time to pass moves a
 * {@link MutableClock}). The bound only guards against a hang, so it is generous; a condition met
 * sooner returns at once. Stateless; callable from any thread.
 */
public final class Await {
    /** Short enough not to slow a test down, long enough not to spin a core the suite shares. */
    private static final Duration PAUSE = Duration.ofMillis(10);

    private Await() {}

    /** Returns once {@code condition} holds; throws an AssertionError naming {@code what} after {@code bound}. */
    public static void until(Duration bound, BooleanSupplier condition, String what) {
        value(bound, () -> condition.getAsBoolean(), Boolean::booleanValue, what);
    }

    /**
     * Reads {@code value} until {@code accepted} holds for what it read, and returns that; throws an
     * AssertionError naming {@code what} and the last value read after {@code bound}.
     */
    public static <T> T value(Duration bound, Supplier<T> value, Predicate<? super T> accepted, String what) {
        T last = lastValue(bound, value, accepted, what);
        if (!accepted.test(last)) {
            throw new AssertionError(what + " did not happen within " + bound.toMillis() + " ms; last seen: " + last);
        }
        return last;
    }

    /**
     * Like {@link #value} but returns the last value read when {@code bound} passes, for a caller
     * whose own assertions say better what is missing from it.
     */
    public static <T> T lastValue(Duration bound, Supplier<T> value, Predicate<? super T> accepted, String what) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            T current = value.get();
            if (accepted.test(current) || System.nanoTime() - deadline > 0) {
                return current;
            }
            LockSupport.parkNanos(PAUSE.toNanos());
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what);
            }
        }
    }
}
