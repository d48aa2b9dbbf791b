package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import io.palisade.Await;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** INFO lines wait at most a flush period, warnings and errors not at all, and nothing is lost at stop. */
class BufferedConsoleAppenderTest {
    private static final long AN_HOUR = 3_600_000;

    private final LoggerContext context = new LoggerContext();
    private final Target target = new Target();
    private BufferedConsoleAppender appender;

    BufferedConsoleAppenderTest() {
        // Set by the SLF4J binding in a real process; events copy the MDC when they are appended.
        context.setMDCAdapter(new LogbackMDCAdapter());
    }

    @AfterEach
    void stop() {
        appender.stop();
    }

    @Test
    void infoLinesAreHeldBackUntilTheFlush() {
        appender = started(AN_HOUR);
        appender.doAppend(event(Level.INFO, "request one"));
        appender.doAppend(event(Level.INFO, "request two"));

        assertThat(target.text()).isEmpty();
    }

    @Test
    void aHeldLineIsWrittenByThePeriodicFlushWithoutAnyFurtherLine() throws Exception {
        appender = started(50);
        appender.doAppend(event(Level.INFO, "request three"));
        Await.until(Duration.ofSeconds(5), () -> !target.text().isEmpty(), "the periodic flush");
        assertThat(target.text()).isEqualTo("INFO request three\n");
    }

    @Test
    void linesWaitingTogetherLeaveInOneWrite() {
        appender = started(AN_HOUR);
        appender.doAppend(event(Level.INFO, "one"));
        appender.doAppend(event(Level.INFO, "two"));
        appender.doAppend(event(Level.ERROR, "three"));

        assertThat(target.text()).isEqualTo("INFO one\nINFO two\nERROR three\n");
        assertThat(target.writes).isEqualTo(1);
    }

    @Test
    void aWarningIsWrittenAtOnceWithWhatWaitedBeforeIt() {
        appender = started(AN_HOUR);
        appender.doAppend(event(Level.INFO, "before"));
        appender.doAppend(event(Level.WARN, "careful"));

        assertThat(target.text()).isEqualTo("INFO before\nWARN careful\n");
    }

    @Test
    void stoppingWritesWhatIsLeftAndLeavesTheTargetOpen() {
        appender = started(AN_HOUR);
        appender.doAppend(event(Level.INFO, "last words"));
        appender.stop();

        assertThat(target.text()).isEqualTo("INFO last words\n");
        assertThat(target.closed).isFalse();
    }

    private BufferedConsoleAppender started(long flushMillis) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %msg%n");
        encoder.start();
        BufferedConsoleAppender started = new BufferedConsoleAppender(target, flushMillis);
        started.setContext(context);
        started.setEncoder(encoder);
        started.start();
        return started;
    }

    private LoggingEvent event(Level level, String message) {
        LoggingEvent event =
                new LoggingEvent(PatternLayout.class.getName(), context.getLogger("test"), level, message, null, null);
        event.setTimeStamp(System.currentTimeMillis());
        return event;
    }

    /** Standard error's stand-in: counts writes and remembers a close. */
    private static final class Target extends ByteArrayOutputStream {
        volatile int writes;
        volatile boolean closed;

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            writes++;
            super.write(bytes, offset, length);
        }

        @Override
        public void close() {
            closed = true;
        }

        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }
}
