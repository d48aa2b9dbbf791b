package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.palisade.config.LoggingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    @AfterEach
    void restoreTheTestConfiguration() throws Exception {
        System.clearProperty(LoggingSetup.CONFIGURATION_FILE_PROPERTY);
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void jsonFormatUsesTheShipperEncoder() {
        LoggingSetup.apply(new LoggingConfig("info", "json"));

        Appender<?> console = root().getAppender("console");
        assertThat(console).isInstanceOf(OutputStreamAppender.class);
        assertThat(((OutputStreamAppender<?>) console).getEncoder()).isInstanceOf(JsonLineEncoder.class);
    }

    @Test
    void anOperatorsLogbackConfigurationFileIsLeftAlone(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("logback.xml");
        Path logFile = dir.resolve("palisade.log");
        Files.writeString(config, """
                <configuration>
                  <appender name="operator-file" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder class="io.palisade.cli.JsonLineEncoder"/>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="operator-file"/></root>
                </configuration>
                """.formatted(logFile));
        // What Logback does at start-up when the JVM is started with -Dlogback.configurationFile=...
        System.setProperty(LoggingSetup.CONFIGURATION_FILE_PROPERTY, config.toString());
        context.reset();
        new ContextInitializer(context).autoConfig();
        assertThat(appenderNames()).containsExactly("operator-file");

        LoggingSetup.apply(new LoggingConfig("warn", "console"));

        assertThat(appenderNames())
                .as("the operator's appenders survive serve's logging setup")
                .containsExactly("operator-file");
        assertThat(root().getLevel().toString()).isEqualTo("DEBUG");
        LoggerFactory.getLogger("palisade.test").info("written by the {} appender", "operator's");
        assertThat(Files.readString(logFile)).contains("\"message\":\"written by the operator's appender\"");
    }

    private Logger root() {
        return context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private List<String> appenderNames() {
        List<String> names = new ArrayList<>();
        root().iteratorForAppenders().forEachRemaining(appender -> names.add(appender.getName()));
        return names;
    }
}
