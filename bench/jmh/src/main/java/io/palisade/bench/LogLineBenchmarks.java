package io.palisade.bench;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
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
import org.slf4j.helpers.MessageFormatter;

/**
 * One request-log line encoded in the text format by Logback's pattern encoder ({@code logback})
 * and by the gateway's own ({@code palisade}), on the event RequestLog makes, one millisecond later
 * every operation (see LogLinePartsBenchmarks). And the message formatting that precedes either.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogLineBenchmarks {
    @Param({"logback", "palisade"})
    public String encoder;

    Encoder<ILoggingEvent> lineEncoder;
    LoggingEvent event;
    long timestamp;

    @Setup
    public void setUp() {
        event = RequestLines.event();
        timestamp = event.getTimeStamp();
        lineEncoder = RequestLines.textEncoder(encoder);
    }

    @Benchmark
    public byte[] encode() {
        event.setTimeStamp(++timestamp);
        return lineEncoder.encode(event);
    }

    /** The message's "{} {} {} {}" filled in, which the appender has done before encoding (the same for both). */
    @Benchmark
    public String messageFormat() {
        return MessageFormatter.basicArrayFormat(event.getMessage(), event.getArgumentArray());
    }
}
