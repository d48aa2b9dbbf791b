package io.palisade.admission;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exact requests-per-minute limits per key, in process: a sliding log of the last {@code limit}
 * admission times in a ring buffer. A request is admitted only if the oldest of those is more than
 * a minute old, so no 60-second window ever holds more than {@code limit} admitted requests (a
 * token bucket would allow twice that at a boundary). Memory: 8 bytes x limit per active key.
 * Thread-safe; the lock is per key and held for a few array operations.
 */
public final class RateLimiter {
    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** The verdict, with what a caller needs for the x-ratelimit headers. */
    public record Verdict(boolean allowed, int limit, int remaining, long retryAfterNanos) {}

    public Verdict acquire(String key, int limit, long nowNanos) {
        Window window = windows.compute(key, (k, existing) -> existing != null && existing.limit() == limit ? existing : new Window(limit));
        return window.acquire(nowNanos);
    }

    private static final class Window {
        private final long[] admitted;
        private final ReentrantLock lock = new ReentrantLock();
        private int next;
        private int count;

        Window(int limit) {
            this.admitted = new long[limit];
        }

        int limit() {
            return admitted.length;
        }

        Verdict acquire(long now) {
            lock.lock();
            try {
                int limit = admitted.length;
                while (count > 0 && now - admitted[(next - count + limit) % limit] >= WINDOW_NANOS) {
                    count--;
                }
                if (count == limit) {
                    long oldest = admitted[(next - count + limit) % limit];
                    return new Verdict(false, limit, 0, WINDOW_NANOS - (now - oldest));
                }
                admitted[next] = now;
                next = (next + 1) % limit;
                count++;
                return new Verdict(true, limit, limit - count, 0);
            } finally {
                lock.unlock();
            }
        }
    }
}
