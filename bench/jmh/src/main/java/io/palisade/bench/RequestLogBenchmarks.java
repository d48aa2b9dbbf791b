package io.palisade.bench;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import io.palisade.audit.RequestRecord;
import io.palisade.server.RequestLog;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request-log line end to end: {@link RequestLog#log} (SLF4J's fluent builder, Logback's
 * event), the appender's preparation of the event, the encoding and the write into a 64 KiB
 * buffer that is never flushed to anything, as the gateway's buffered console appender does
 * between its flushes, with Logback's pattern encoder ({@code logback}, what the gateway used) or
 * its own ({@code palisade}, TextLineEncoder). {@code none}: an appender that only prepares the
 * event, so what is left over is the cost of building it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestLogBenchmarks {
    @Param({"none", "logback", "palisade"})
    public String encoder;

    RequestLog requestLog;
    RequestRecord record;
    LoggerContext context;

    @Setup
    public void setUp() {
        record = RequestLines.record();
        requestLog = new RequestLog(true);
        context = RequestLines.context();
        context.reset();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender());
    }

    @TearDown
    public void tearDown() {
        context.reset();
    }

    @Benchmark
    public void requestLine() {
        requestLog.log(record, 200, "allowed", 1.2345);
    }

    private Appender<ILoggingEvent> appender() {
        if (encoder.equals("none")) {
            AppenderBase<ILoggingEvent> preparing = new AppenderBase<>() {
                @Override
                protected void append(ILoggingEvent event) {
                    event.prepareForDeferredProcessing();
                }
            };
            preparing.setContext(context);
            preparing.start();
            return preparing;
        }
        OutputStreamAppender<ILoggingEvent> buffered = new OutputStreamAppender<>();
        buffered.setContext(context);
        buffered.setEncoder(RequestLines.textEncoder(encoder));
        buffered.setImmediateFlush(false);
        buffered.setOutputStream(new BufferedOutputStream(OutputStream.nullOutputStream(), 64 * 1024));
        buffered.start();
        return buffered;
    }
}
