package io.palisade.bench;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the text encoding of one request-log line goes: Logback's pattern encoder with the whole
 * text-format pattern ({@code line}) and with each of its parts alone, on the event RequestLog
 * makes (its message already formatted, as the appender does before encoding). Every operation moves the event one millisecond on, as at one request per millisecond, so
 * the date converter's one-millisecond cache does not hide the formatting. {@code newline} is the
 * encoder's fixed cost (layout loop, string, bytes) with the least conversion.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogLinePartsBenchmarks {
    private static final Map<String, String> PARTS = Map.of("line", RequestLines.TEXT_PATTERN, "date", "%d{HH:mm:ss.SSS}", "level", "%-5level", "logger",
            "%logger{20}", "message", "%msg", "kvp", "%kvp", "newline", "%n");

    @Param({"line", "date", "level", "logger", "message", "kvp", "newline"})
    public String part;

    PatternLayoutEncoder encoder;
    LoggingEvent event;
    long timestamp;

    @Setup
    public void setUp() {
        event = RequestLines.event();
        timestamp = event.getTimeStamp();
        LoggerContext context = RequestLines.context();
        encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PARTS.get(part));
        encoder.start();
    }

    @Benchmark
    public byte[] encode() {
        event.setTimeStamp(++timestamp);
        return encoder.encode(event);
    }
}
