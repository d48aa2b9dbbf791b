package io.palisade.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import io.palisade.config.LoggingConfig;
import java.nio.charset.Charset;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.level} and {@code logging.format} to Logback at start-up, unless the operator
 * gave Logback a configuration of their own with {@code -Dlogback.configurationFile=...}: then Logback
 * has already read it and it is left exactly as it is (appenders, encoders and levels are theirs).
 */
final class LoggingSetup {
    /** Logback's own system property naming its configuration file. */
    static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";

    private LoggingSetup() {}

    static void apply(LoggingConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        String operatorFile = System.getProperty(CONFIGURATION_FILE_PROPERTY);
        if (operatorFile != null && !operatorFile.isBlank()) {
            LoggerFactory.getLogger(LoggingSetup.class)
                    .info(
                            "logging configured by {} ({}); logging.level and logging.format are not applied",
                            operatorFile,
                            CONFIGURATION_FILE_PROPERTY);
            return;
        }
        context.reset();
        Encoder<ILoggingEvent> encoder;
        if (config.format().equals("json")) {
            JsonLineEncoder json = new JsonLineEncoder();
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
