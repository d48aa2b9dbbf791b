package io.palisade.bench;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import io.palisade.audit.RequestRecord;
import io.palisade.auth.ApiKey;
import io.palisade.auth.Caller;
import io.palisade.auth.User;
import io.palisade.auth.UserStatus;
import io.palisade.cli.TextLineEncoder;
import io.palisade.server.RequestLog;
import io.palisade.usage.TokenUsage;
import java.time.Instant;
import java.nio.charset.Charset;
import java.time.ZoneId;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * A request as the request log sees it at the end of a typical allowed chat completion, and the
 * logging event {@link RequestLog} makes of it, caught from the process's Logback context (the one
 * {@code LoggerFactory} binds, as in the gateway).
 */
final class RequestLines {
    /** The text format's pattern, as LoggingSetup sets it up (TextLineEncoder.PATTERN). */
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg %kvp%n";

    private RequestLines() {}

    static RequestRecord record() {
        User user = new User("usr_k3j9x0c1", "bench@example.com", "Bench", null, UserStatus.ACTIVE, false, Instant.EPOCH, 0);
        ApiKey key = new ApiKey("key_7f3a9c2e51", "hash", user.id(), null, List.of("bench-*"), null, null, "bench", false, Instant.EPOCH,
                List.of());
        RequestRecord record = new RequestRecord("req_19ab3c4d5e6f7a8b9c0d1e2f", Instant.now(), System.nanoTime(), "127.0.0.1", "POST",
                "/v1/chat/completions");
        record.identify(new Caller(key, user, null, null), null);
        record.requestedModel("bench-fast");
        record.answeredBy("bench-fast", "bench-fast", "sim", "bench-fast", List.of());
        record.usage(new TokenUsage(20, 16));
        return record;
    }

    /** "logback": Logback's pattern encoder of the text format; "palisade": the gateway's own (TextLineEncoder). */
    static Encoder<ILoggingEvent> textEncoder(String which) {
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context());
        pattern.setPattern(TEXT_PATTERN);
        pattern.start();
        if (which.equals("logback")) {
            return pattern;
        }
        TextLineEncoder own = new TextLineEncoder(Charset.defaultCharset(), ZoneId.systemDefault());
        own.setContext(context());
        own.start();
        return own;
    }

    static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }

    /** The event one {@link RequestLog#log} call hands to the appenders, prepared as an appender finds it. */
    static LoggingEvent event() {
        LoggerContext context = context();
        context.reset();
        ListAppender<ILoggingEvent> caught = new ListAppender<>();
        caught.setContext(context);
        caught.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(caught);
        new RequestLog(true).log(record(), 200, "allowed", 1.2345);
        context.reset();
        LoggingEvent event = (LoggingEvent) caught.list.getFirst();
        event.prepareForDeferredProcessing();
        return event;
    }
}
