package io.palisade.assembly;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The assemblies started so far, closed in the reverse of their start order: every later assembly
 * may use the earlier ones until it is closed itself. Not thread-safe: used while starting and
 * closing, each on one thread.
 */
public final class Assemblies implements Assembly {
    private final Deque<Assembly> started = new ArrayDeque<>();

    /** Records {@code assembly} as started (its constructor returned) and returns it. */
    public <T extends Assembly> T add(T assembly) {
        started.push(assembly);
        return assembly;
    }

    /**
     * Closes every started assembly, latest first. A failing close does not keep the earlier ones
     * open: each is closed, and the first failure is rethrown with the others suppressed.
     */
    @Override
    public void close() {
        RuntimeException failure = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes what was started after {@code cause} stopped the start, adding close failures to it as suppressed. */
    public void closeAfterFailedStart(Throwable cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
