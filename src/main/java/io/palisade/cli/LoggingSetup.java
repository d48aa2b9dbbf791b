package io.palisade.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import io.palisade.config.LoggingConfig;
import java.nio.charset.Charset;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code logging.level} and {@code logging.format} to Logback at start-up. */
final class LoggingSetup {
    private LoggingSetup() {}

    static void apply(LoggingConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        Encoder<ILoggingEvent> encoder;
        if (config.format().equals("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            json.start();
            encoder = json;
        } else {
            TextLineEncoder text = new TextLineEncoder(Charset.defaultCharset(), ZoneId.systemDefault());
            text.setContext(context);
            text.start();
            encoder = text;
        }
        BufferedConsoleAppender appender = new BufferedConsoleAppender();
        appender.setContext(context);
        appender.setName("console");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(config.level(), Level.INFO));
        root.addAppender(appender);
        // Third-party chatter at INFO (Jetty, Flyway, the PostgreSQL pool) drowns Palisade's own lines.
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        context.getLogger("io.javalin").setLevel(Level.WARN);
    }
}
