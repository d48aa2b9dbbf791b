package io.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.audit.RequestRecord;
import io.palisade.auth.ApiKey;
import io.palisade.auth.Caller;
import io.palisade.auth.User;
import io.palisade.auth.UserStatus;
import io.palisade.cli.JsonLineEncoder;
import io.palisade.cli.TextLineEncoder;
import io.palisade.usage.TokenUsage;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The request-log line, pinned byte for byte in the text format (operators parse it), and the same
 * event in the JSON format: what the text encoder of our own must keep writing.
 */
class RequestLogTest {
    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Logger requestLogger = context.getLogger("palisade.request");
    private final ListAppender<ILoggingEvent> caught = new ListAppender<>();

    @BeforeEach
    void catchTheRequestLogger() {
        caught.setContext(context);
        caught.start();
        requestLogger.addAppender(caught);
        requestLogger.setAdditive(false);
    }

    @AfterEach
    void releaseTheRequestLogger() {
        requestLogger.setAdditive(true);
        requestLogger.detachAppender(caught);
    }

    @Test
    void anAllowedRequestIsOneLineOfKeyValuePairsWithQuotesInValuesEscaped() {
        RequestRecord record = record("req_pinned_1");
        record.identify(caller(), null);
        record.requestedModel("my \"quoted\" model");
        record.answeredBy("local-1", "my \"quoted\" model", "local", "llama3.2:1b", List.of());
        record.usage(new TokenUsage(20, 16));

        ILoggingEvent event = logged(record, 200, "allowed", 12.3456);

        assertThat(text(event))
                .isEqualTo(time(event) + " INFO  palisade.request - POST /v1/chat/completions 200 allowed "
                        + "request_id=\"req_pinned_1\" user=\"ada@example.com\" key_id=\"key_ada\" route=\"/v1/chat/completions\" "
                        + "model=\"my \\\"quoted\\\" model\" backend=\"local\" status=\"200\" decision=\"allowed\" latency_ms=\"12.35\" "
                        + "prompt_tokens=\"20\" completion_tokens=\"16\"" + System.lineSeparator());
        assertThat(text(event)).as("Logback writes quotes in values raw").isNotEqualTo(logbackText(event));
    }

    @Test
    void absentValuesAreLeftOutNotWrittenAsNull() {
        RequestRecord record = record("req_pinned_2");

        ILoggingEvent event = logged(record, 401, "invalid_api_key", 0.5);

        assertThat(text(event))
                .isEqualTo(time(event) + " INFO  palisade.request - POST /v1/chat/completions 401 invalid_api_key "
                        + "request_id=\"req_pinned_2\" route=\"/v1/chat/completions\" status=\"401\" decision=\"invalid_api_key\" latency_ms=\"0.5\""
                        + System.lineSeparator());
        assertThat(text(event)).isEqualTo(logbackText(event));
    }

    @Test
    void inTheJsonFormatThePairsAreTopLevelFieldsAndTheMessageIsFormatted() throws Exception {
        RequestRecord record = record("req_pinned_3");
        record.identify(caller(), null);
        record.usage(new TokenUsage(7, -1));

        ILoggingEvent event = logged(record, 200, "allowed", 3);
        JsonLineEncoder json = new JsonLineEncoder();
        json.setContext(context);
        json.start();
        JsonNode line = new ObjectMapper().readTree(new String(json.encode(event), StandardCharsets.UTF_8));

        assertThat(line.get("logger_name").asText()).isEqualTo("palisade.request");
        assertThat(line.get("message").asText()).isEqualTo("POST /v1/chat/completions 200 allowed");
        assertThat(line.get("request_id").asText()).isEqualTo("req_pinned_3");
        assertThat(line.get("user").asText()).isEqualTo("ada@example.com");
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("latency_ms").asDouble()).isEqualTo(3.0);
        assertThat(line.get("prompt_tokens").asInt()).isEqualTo(7);
        assertThat(line.has("completion_tokens") || line.has("model") || line.has("backend"))
                .isFalse();
    }

    private ILoggingEvent logged(RequestRecord record, int status, String decision, double latencyMillis) {
        new RequestLog(true).log(record, status, decision, latencyMillis);
        return caught.list.stream()
                .filter(event -> event.getKeyValuePairs().getFirst().value.equals(record.requestId()))
                .findFirst()
                .orElseThrow();
    }

    private String text(ILoggingEvent event) {
        TextLineEncoder encoder = new TextLineEncoder(Charset.defaultCharset(), ZoneId.systemDefault());
        encoder.setContext(context);
        encoder.start();
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    private String logbackText(ILoggingEvent event) {
        return new String(logbackEncoder().encode(event), StandardCharsets.UTF_8);
    }

    private PatternLayoutEncoder logbackEncoder() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TextLineEncoder.PATTERN);
        encoder.start();
        return encoder;
    }

    private static String time(ILoggingEvent event) {
        return DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
                .withZone(ZoneId.systemDefault())
                .format(Instant.ofEpochMilli(event.getTimeStamp()));
    }

    private static RequestRecord record(String requestId) {
        return new RequestRecord(requestId, T0, System.nanoTime(), "127.0.0.1", "POST", "/v1/chat/completions");
    }

    private static Caller caller() {
        User user = new User("usr_ada", "ada@example.com", "Ada", null, UserStatus.ACTIVE, false, T0, 0);
        ApiKey key = new ApiKey("key_ada", "hash", user.id(), null, List.of("*"), null, null, "", false, T0, List.of());
        return new Caller(key, user, null, null);
    }
}
