package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class JsonLineEncoderTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger logger = context.getLogger("palisade.test.json");
    private final ListAppender<ILoggingEvent> caught = new ListAppender<>();
    private final JsonLineEncoder encoder = new JsonLineEncoder();

    @BeforeEach
    void catchEvents() {
        caught.setContext(context);
        caught.start();
        logger.addAppender(caught);
        encoder.setContext(context);
        encoder.start();
    }

    @AfterEach
    void release() {
        logger.detachAppender(caught);
        MDC.clear();
    }

    @Test
    void aLineIsFlatJsonAShipperIngestsWithoutAParser() throws Exception {
        MDC.put("replica", "r1");
        logger.atWarn()
                .addKeyValue("status", 502)
                .addKeyValue("model", "m\u0007\n\"x\"")
                .log("config reload ({}) rejected: {}", "SIGHUP", "bad\nline");

        String line = encode();
        assertThat(line).endsWith("\n").doesNotContain("\u0007");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("message").asText()).isEqualTo("config reload (SIGHUP) rejected: bad\nline");
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("logger_name").asText()).isEqualTo("palisade.test.json");
        assertThat(json.get("thread_name").asText())
                .isEqualTo(Thread.currentThread().getName());
        assertThat(json.get("status").isInt()).as("a number stays a number").isTrue();
        assertThat(json.get("status").asInt()).isEqualTo(502);
        assertThat(json.get("model").asText()).isEqualTo("m\u0007\n\"x\"");
        assertThat(json.get("replica").asText()).isEqualTo("r1");
        assertThat(json.has("kvpList")).isFalse();
        assertThat(json.has("@version")).isFalse();
        String timestamp = json.get("@timestamp").asText();
        assertThat(timestamp).endsWith("Z");
        assertThat(OffsetDateTime.parse(timestamp).toInstant())
                .isEqualTo(caught.list.getFirst().getInstant());
    }

    @Test
    void aStackTraceIsOneStringField() throws Exception {
        logger.error("probe failed", new IllegalStateException("backend went away"));

        JsonNode json = new ObjectMapper().readTree(encode());
        assertThat(json.get("message").asText()).isEqualTo("probe failed");
        assertThat(json.get("stack_trace").isTextual()).isTrue();
        assertThat(json.get("stack_trace").asText())
                .contains("IllegalStateException: backend went away", "at io.palisade");
    }

    private String encode() {
        return new String(encoder.encode(caught.list.getFirst()), StandardCharsets.UTF_8);
    }
}
