package io.palisade.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.palisade.TestGateway;
import io.palisade.simulate.RecordedRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caller's trace continues through the gateway to the backend, and spans reach an OTLP/HTTP collector. */
class TracingIntegrationTest {
    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    @Test
    void spansJoinTheCallersTraceAndTheBackendSeesTheGatewaysSpan(@TempDir Path dir) throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        Javalin collector = Javalin.create(config -> config.routes.post("/v1/traces", ctx -> {
            received.add(TestGateway.json(ctx.body()));
            ctx.status(200).result("{}");
        })).start("127.0.0.1", 0);
        try (TestGateway gateway = TestGateway.start(dir, "tracing: {otlp_endpoint: \"http://127.0.0.1:" + collector.port()
                + "/v1/traces\", service_name: palisade-test}")) {
            String key = gateway.userWithKey("trace@example.com", List.of("llama3.2:1b"));
            var response = gateway.send(gateway.request("/v1/chat/completions", key).header("Content-Type", "application/json")
                    .header("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"llama3.2:1b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
            assertThat(response.statusCode()).isEqualTo(200);

            RecordedRequest upstream = gateway.simulator.requests().stream().filter(r -> r.path().equals("/api/chat")).findFirst().orElseThrow();
            String[] backendParent = upstream.headers().get("traceparent").split("-");
            assertThat(backendParent[1]).isEqualTo(CALLER_TRACE);
            assertThat(backendParent[2]).isNotEqualTo(CALLER_SPAN);

            long deadline = System.nanoTime() + 10_000_000_000L;
            List<JsonNode> spans = new ArrayList<>();
            while (System.nanoTime() < deadline && spans.size() < 2) {
                Thread.sleep(100);
                spans.clear();
                for (JsonNode body : received) {
                    assertThat(body.path("resourceSpans").path(0).path("resource").toString()).contains("palisade-test");
                    body.path("resourceSpans").path(0).path("scopeSpans").path(0).path("spans").forEach(spans::add);
                }
                spans.removeIf(span -> !span.path("name").asText().contains("chat") && !span.path("name").asText().startsWith("backend"));
            }
            JsonNode server = spans.stream().filter(s -> s.path("kind").asInt() == 2).findFirst().orElseThrow();
            JsonNode client = spans.stream().filter(s -> s.path("kind").asInt() == 3).findFirst().orElseThrow();
            assertThat(server.path("traceId").asText()).isEqualTo(CALLER_TRACE);
            assertThat(server.path("parentSpanId").asText()).isEqualTo(CALLER_SPAN);
            assertThat(server.path("name").asText()).isEqualTo("POST /v1/chat/completions");
            assertThat(client.path("parentSpanId").asText()).isEqualTo(server.path("spanId").asText());
            assertThat(client.path("spanId").asText()).isEqualTo(backendParent[2]);
            assertThat(client.path("name").asText()).isEqualTo("backend local");
            assertThat(Long.parseLong(client.path("startTimeUnixNano").asText()))
                    .isGreaterThanOrEqualTo(Long.parseLong(server.path("startTimeUnixNano").asText()));
            assertThat(server.path("attributes").toString()).contains("http.response.status_code").doesNotContain("trace@example.com");
        } finally {
            collector.stop();
        }
    }

    @Test
    void anInvalidTraceparentStartsANewTrace() {
        TraceContext context = TraceContext.from("00-" + "0".repeat(32) + "-" + CALLER_SPAN + "-01");
        assertThat(context.traceId()).hasSize(32).isNotEqualTo("0".repeat(32));
        assertThat(context.parentSpanId()).isNull();
        assertThat(TraceContext.from("garbage").parentSpanId()).isNull();
        assertThat(TraceContext.from("00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-00").sampled()).isFalse();
    }
}
