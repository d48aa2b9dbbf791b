package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EvalProgressLinesTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T22:00:00Z"));

    @Test
    void offATerminalALineIsPrintedAtOnceThenAtLeastEveryInterval() {
        EvalProgressLines lines = new EvalProgressLines(
                new PrintStream(printed, true, StandardCharsets.UTF_8), false, clock, EvalProgressLines.LOG_INTERVAL);
        // Polled every 500 ms for 25 s, as eval run does.
        for (int poll = 0; poll <= 50; poll++) {
            lines.show(progress(poll, 100));
            clock.advance(Duration.ofMillis(500));
        }
        lines.end();

        assertThat(text().lines().toList())
                .containsExactly(
                        "eval progress: generating 0/100, passing so far 0, elapsed 0s, ETA ?",
                        "eval progress: generating 20/100, passing so far 10, elapsed 10s, ETA 40s",
                        "eval progress: generating 40/100, passing so far 20, elapsed 20s, ETA 30s");
        assertThat(EvalProgressLines.LOG_INTERVAL).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlace() {
        EvalProgressLines lines = new EvalProgressLines(
                new PrintStream(printed, true, StandardCharsets.UTF_8), true, clock, EvalProgressLines.LOG_INTERVAL);
        lines.show(progress(1, 4));
        lines.show(progress(2, 4));
        lines.end();

        assertThat(text()).startsWith("\rgenerating").contains("1/4", "2/4").endsWith(System.lineSeparator());
        assertThat(text().chars().filter(c -> c == '\n').count())
                .as("one line, redrawn")
                .isEqualTo(1);
    }

    private ObjectNode progress(int poll, int total) {
        return new ObjectMapper()
                .createObjectNode()
                .put("phase", "generating")
                .put("done", poll)
                .put("total", total)
                .put("passed", poll / 2)
                .put("elapsed_seconds", poll / 2.0);
    }

    private String text() {
        return printed.toString(StandardCharsets.UTF_8);
    }
}
