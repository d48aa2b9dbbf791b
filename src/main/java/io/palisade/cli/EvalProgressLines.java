package io.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Shows a running evaluation's progress while {@code eval run} waits for it. On a terminal one
 * line is redrawn in place at every poll; elsewhere (CI logs, a pipe) a full line is printed at
 * the first poll and then whenever {@code interval} has passed since the last one, so a long run
 * is never silent for longer than the interval plus one poll. Not thread-safe: one waiting loop.
 */
final class EvalProgressLines {
    /** How often a run that is not on a terminal reports, at most this far apart (plus one poll). */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final PrintStream out;
    private final boolean terminal;
    private final Clock clock;
    private final Duration interval;
    private Instant lastLine;
    private boolean redrawn;

    EvalProgressLines(PrintStream out, boolean terminal, Clock clock, Duration interval) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        this.interval = interval;
    }

    /** Called at each poll with the run's {@code progress} object. */
    void show(JsonNode progress) {
        if (!progress.isObject()) {
            return;
        }
        int done = progress.path("done").asInt();
        int total = progress.path("total").asInt();
        double elapsed = progress.path("elapsed_seconds").asDouble();
        String eta = done == 0 ? "?" : String.format(Locale.ROOT, "%.0fs", elapsed / done * (total - done));
        String phase = progress.path("phase").asText();
        int passed = progress.path("passed").asInt();
        if (terminal) {
            out.printf(Locale.ROOT, "\r%-20s %d/%d  passing so far %d  ETA %s   ", phase, done, total, passed, eta);
            redrawn = true;
            return;
        }
        Instant now = clock.instant();
        if (lastLine == null || !now.isBefore(lastLine.plus(interval))) {
            out.printf(
                    Locale.ROOT,
                    "eval progress: %s %d/%d, passing so far %d, elapsed %.0fs, ETA %s%n",
                    phase,
                    done,
                    total,
                    passed,
                    elapsed,
                    eta);
            lastLine = now;
        }
    }

    /** Ends the redrawn line so what follows starts on its own. */
    void end() {
        if (redrawn) {
            out.println();
        }
    }
}
