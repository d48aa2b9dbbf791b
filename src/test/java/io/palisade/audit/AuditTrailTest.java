package io.palisade.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;
import io.palisade.routing.AttemptRecord;
import io.palisade.store.Database;
import io.palisade.usage.TokenUsage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bodies of a request's rows, as stored. */
class AuditTrailTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aDenialCarriesWhatWasKnownAtTheDoorAndWhyItWasRefused() throws Exception {
        RequestRecord record =
                new RequestRecord("req_1", T0, System.nanoTime(), "10.0.0.7", "POST", "/v1/chat/completions");
        record.identify(null, "sha256:0123456789abcdef");
        record.requestedModel("qwen \"large\"");

        JsonNode body = onlyRow(trail -> trail.denied(
                record,
                new PalisadeException(
                        ErrorCode.RATE_LIMITED, "too many requests", null, Map.of(), "key requests_per_minute 10")));

        assertThat(fieldNames(body))
                .containsExactly(
                        "received_at",
                        "method",
                        "route",
                        "caller",
                        "presented_key_fingerprint",
                        "model",
                        "stream",
                        "decision",
                        "status",
                        "reason",
                        "latency_ms",
                        "limit");
        assertThat(personal.fields())
                .as("the caller's address is personal data, kept apart so erasure can remove it")
                .isEqualTo("{\"client\":\"10.0.0.7\",\"message\":\"too many requests\"}");
        assertThat(personal.matchesDigest()).isTrue();
        assertThat(body.path("caller").asText()).isEqualTo("unidentified");
        assertThat(body.path("model").asText()).isEqualTo("qwen \"large\"");
        assertThat(body.path("stream").isBoolean()).isTrue();
        assertThat(body.path("decision").asText()).isEqualTo("denied");
        assertThat(body.path("status").asInt()).isEqualTo(429);
        assertThat(body.path("reason").asText()).isEqualTo("rate_limited");
        assertThat(body.path("latency_ms").isDouble()).isTrue();
        assertThat(body.path("limit").asText()).isEqualTo("key requests_per_minute 10");
    }

    @Test
    void aCompletionCarriesTheOutcomeTheAttemptsAndTheTokens() throws Exception {
        RequestRecord record =
                new RequestRecord("req_2", T0, System.nanoTime(), "10.0.0.7", "POST", "/v1/chat/completions");
        record.requestedModel("chat");
        record.answeredBy(
                "b/qwen",
                "qwen",
                "b",
                "qwen:7b",
                List.of(
                        new AttemptRecord("chat", "a/llama", "a", "llama", "upstream_unreachable", 3),
                        new AttemptRecord("qwen", "b/qwen", "b", "qwen:7b", "ok", 12)));
        record.usage(new TokenUsage(11, 0));

        JsonNode body = onlyRow(trail -> trail.completed(record, 200, null).join());

        assertThat(fieldNames(body))
                .containsExactly(
                        "status",
                        "latency_ms",
                        "backend",
                        "upstream_model",
                        "deployment",
                        "served_model",
                        "attempts",
                        "prompt_tokens",
                        "completion_tokens");
        assertThat(personal)
                .as("no personal field (no content captured): a row of format 1, no salt or digest to make")
                .isNull();
        assertThat(body.path("served_model").asText()).isEqualTo("qwen");
        assertThat(body.path("attempts").get(0).path("outcome").asText()).isEqualTo("upstream_unreachable");
        assertThat(body.path("attempts").get(1).path("ms").asLong()).isEqualTo(12);
        assertThat(body.path("completion_tokens").asInt()).isZero();
    }

    /** The personal data of the row {@link #onlyRow} read (null: none, a row of format 1). */
    private PersonalData personal;

    private JsonNode onlyRow(TrailUse use) throws Exception {
        try (Database database = Database.open("sqlite:" + dir.resolve("palisade.db"))) {
            AuditStore store = new AuditStore(database);
            ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
            try (AuditWriter writer = new AuditWriter(store, 16, AuditWriter.CommitObserver.NONE, watchdog)) {
                use.accept(new AuditTrail(writer, Clock.fixed(T0, ZoneOffset.UTC), json));
            } finally {
                watchdog.shutdownNow();
            }
            List<AuditEvent> rows = new ArrayList<>();
            store.scan(rows::add);
            assertThat(rows).hasSize(1);
            personal = rows.get(0).personal();
            return json.readTree(rows.get(0).body());
        }
    }

    private static List<String> fieldNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @FunctionalInterface
    private interface TrailUse {
        void accept(AuditTrail trail) throws Exception;
    }
}
