package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * The text format's own encoder writes exactly the bytes Logback's pattern encoder writes, except
 * that it escapes what a caller could use to forge lines or values.
 */
class TextLineEncoderTest {
    private static final long NOON = 1_795_431_676_000L;

    private final LoggerContext context = new LoggerContext();
    private final PatternLayoutEncoder logback = patternEncoder(TextLineEncoder.PATTERN);
    private final TextLineEncoder encoder = new TextLineEncoder(Charset.defaultCharset(), ZoneId.systemDefault());

    TextLineEncoderTest() {
        // Set by the SLF4J binding in a real process; events copy the MDC when they are prepared.
        context.setMDCAdapter(new LogbackMDCAdapter());
        encoder.setContext(context);
        encoder.start();
    }

    @Test
    void aRequestLineIsWrittenAsLogbackWritesIt() {
        LoggingEvent event = event(
                Level.INFO,
                "palisade.request",
                NOON + 7,
                "{} {} {} {}",
                "POST",
                "/v1/chat/completions",
                200,
                "allowed");
        event.addKeyValuePair(new KeyValuePair("request_id", "req_1"));
        event.addKeyValuePair(new KeyValuePair("model", "a model with spaces"));
        event.addKeyValuePair(new KeyValuePair("status", 200));
        event.addKeyValuePair(new KeyValuePair("latency_ms", 12.35));
        event.addKeyValuePair(new KeyValuePair("prompt_tokens", 20));

        assertSameAsLogback(event);
        assertThat(text(encoder.encode(event)))
                .endsWith(" INFO  palisade.request - POST /v1/chat/completions 200 allowed request_id=\"req_1\" "
                        + "model=\"a model with spaces\" status=\"200\" latency_ms=\"12.35\" prompt_tokens=\"20\""
                        + System.lineSeparator());
    }

    @Test
    void aCallerCannotForgeALineOrCloseAValueEarly() {
        LoggingEvent event = event(
                Level.INFO,
                "palisade.request",
                NOON,
                "{} {} {} {}",
                "POST",
                "/v1/x\n12:00:00.000 WARN  forged - line",
                404,
                "denied");
        event.addKeyValuePair(new KeyValuePair(
                "model", "m\" decision=\"allowed\r\n12:00:00.000 INFO  palisade.request - forged\u001b[2J\\"));

        String line = text(encoder.encode(event));

        assertThat(line)
                .hasLineCount(1)
                .endsWith(" INFO  palisade.request - POST /v1/x\\n12:00:00.000 WARN  forged - line 404 denied "
                        + "model=\"m\\\" decision=\\\"allowed\\r\\n12:00:00.000 INFO  palisade.request - forged\\u001b[2J\\\\\""
                        + System.lineSeparator());
    }

    @Test
    void everyLevelIsPaddedToFiveCharacters() {
        for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
            assertSameAsLogback(event(level, "palisade", NOON, "a line"));
        }
    }

    @Test
    void longLoggerNamesAreAbbreviatedAsLogbackDoes() {
        for (String logger : List.of(
                "io.palisade.server.Exchanges",
                "io.palisade.admission.AdmissionControl",
                "palisade.request",
                "x",
                "io.palisade.some.very.long.package.name.WithAVeryLongClassNameIndeed",
                "ROOT",
                "no.dots.but_a_very_long_last_segment_here")) {
            assertSameAsLogback(event(Level.INFO, logger, NOON, "from " + logger));
            assertSameAsLogback(event(Level.INFO, logger, NOON, "from " + logger + " again, from the cache"));
        }
    }

    @Test
    void messagesAreFormattedAsLogbackFormatsThem() {
        assertSameAsLogback(event(Level.INFO, "palisade", NOON, "no arguments, no pairs"));
        assertSameAsLogback(event(Level.INFO, "palisade", NOON, "{} of {} and {}", 1, null, "three"));
        assertSameAsLogback(event(Level.INFO, "palisade", NOON, null));
        assertSameAsLogback(event(Level.INFO, "palisade", NOON, "not ASCII: héllo ✓ 日本 🚀"));
        assertSameAsLogback(event(Level.INFO, "palisade", NOON, "an escaped \\{} and a {}", "placeholder"));
    }

    @Test
    void valuesOfEveryKindAndAbsentOnesAreWrittenAsLogbackWritesThem() {
        List<Object> values = new ArrayList<>(List.of(
                "",
                "plain",
                "with space",
                "ünïcödé",
                0,
                -1,
                Integer.MAX_VALUE,
                Integer.MIN_VALUE,
                0L,
                Long.MIN_VALUE,
                1.0,
                0.1 + 0.2,
                12.35,
                1e-7,
                1.0e10,
                123456789.125,
                -0.0,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.MIN_VALUE,
                2.5f,
                true,
                'c',
                List.of(1, 2)));
        values.add(null);
        for (Object value : values) {
            LoggingEvent event = event(Level.INFO, "palisade.request", NOON, "one pair");
            event.addKeyValuePair(new KeyValuePair("key", value));
            assertSameAsLogback(event);
        }
        LoggingEvent nullKey = event(Level.INFO, "palisade.request", NOON, "a null key");
        nullKey.addKeyValuePair(new KeyValuePair(null, "value"));
        assertSameAsLogback(nullKey);
    }

    @Test
    void timesAcrossSecondsAndInAnyOrderAreWrittenAsLogbackWritesThem() {
        long[] times = {
            NOON,
            NOON + 1,
            NOON + 9,
            NOON + 10,
            NOON + 99,
            NOON + 100,
            NOON + 999,
            NOON + 1000,
            NOON - 1,
            NOON + 86_399_999L,
            0,
            -1,
            -999,
            -1000,
            -1001,
            NOON + 5,
            NOON + 3_600_000
        };
        for (long time : times) {
            assertSameAsLogback(event(Level.INFO, "palisade", time, "at " + time));
        }
    }

    @Test
    void aLineWithAnExceptionIsEscapedToo() {
        LoggingEvent event = event(
                Level.ERROR,
                "io.palisade.server.GatewayServer",
                NOON,
                "unhandled failure on {} {}",
                "POST",
                "/v1/x\n12:00:00.000 INFO  forged - line",
                new IllegalStateException("boom"));

        String text = text(encoder.encode(event));

        assertThat(text)
                .startsWith(text(encoder.encode(event(
                        Level.ERROR,
                        "io.palisade.server.GatewayServer",
                        NOON,
                        "unhandled failure on {} {}",
                        "POST",
                        "/v1/x\n12:00:00.000 INFO  forged - line"))));
        assertThat(text)
                .contains("unhandled failure on POST /v1/x\\n12:00:00.000 INFO  forged - line ")
                .contains(System.lineSeparator() + "java.lang.IllegalStateException: boom" + System.lineSeparator());
        assertThat(text.lines()).noneMatch(line -> line.contains("forged") && line.startsWith("12:00:00.000"));
    }

    @Test
    void aLineWithAnExceptionIsWrittenAsLogbackWritesIt() {
        LoggingEvent event = event(
                Level.ERROR,
                "io.palisade.server.Exchanges",
                NOON,
                "failed {}",
                "badly",
                new IllegalStateException("boom", new RuntimeException("cause")));
        event.addKeyValuePair(new KeyValuePair("request_id", "req_1"));

        assertSameAsLogback(event);
        assertThat(text(encoder.encode(event)))
                .contains("java.lang.IllegalStateException: boom", "Caused by: java.lang.RuntimeException: cause");
    }

    @Test
    void headerAndFooterAreLogbacks() {
        assertThat(encoder.headerBytes()).isEqualTo(logback.headerBytes());
        assertThat(encoder.footerBytes()).isEqualTo(logback.footerBytes());
    }

    private void assertSameAsLogback(LoggingEvent event) {
        event.prepareForDeferredProcessing();
        byte[] expected = logback.encode(event);
        assertThat(text(encoder.encode(event))).isEqualTo(text(expected));
        assertThat(encoder.encode(event)).isEqualTo(expected);
    }

    private PatternLayoutEncoder patternEncoder(String pattern) {
        PatternLayoutEncoder started = new PatternLayoutEncoder();
        started.setContext(context);
        started.setPattern(pattern);
        started.start();
        return started;
    }

    private LoggingEvent event(Level level, String logger, long time, String message, Object... arguments) {
        LoggingEvent event = new LoggingEvent(
                TextLineEncoderTest.class.getName(), context.getLogger(logger), level, message, null, arguments);
        event.setTimeStamp(time);
        return event;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
