package io.palisade.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.Await;
import io.palisade.TestGateway;
import io.palisade.simulate.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caller's trace continues through the gateway to the backend, and spans reach an OTLP/HTTP collector. */
class TracingIntegrationTest {
    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    @Test
    void spansJoinTheCallersTraceAndTheBackendSeesTheGatewaysSpan(@TempDir Path dir) throws Exception {
        try (OtlpCollector collector = new OtlpCollector();
                TestGateway gateway = TestGateway.start(
                        dir,
                        "tracing: {otlp_endpoint: \"" + collector.tracesUrl() + "\", service_name: palisade-test}")) {
            String key = gateway.userWithKey("trace@example.com", List.of("llama3.2:1b"));
            var response = gateway.send(gateway.request("/v1/chat/completions", key)
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"llama3.2:1b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")));
            assertThat(response.statusCode()).isEqualTo(200);

            RecordedRequest upstream = gateway.simulator.requests().stream()
                    .filter(r -> r.path().equals("/api/chat"))
                    .findFirst()
                    .orElseThrow();
            String[] backendParent = upstream.headers().get("traceparent").split("-");
            assertThat(backendParent[1]).isEqualTo(CALLER_TRACE);
            assertThat(backendParent[2]).isNotEqualTo(CALLER_SPAN);
            assertThat(backendParent[3]).as("the caller's sampled flag is kept").isEqualTo("01");

            // OTLP protobuf carries ids as raw bytes and names as UTF-8: poll until both spans arrived.
            Await.until(
                    Duration.ofSeconds(30),
                    () -> received(collector, "POST /v1/chat/completions") && received(collector, "backend local"),
                    "both spans at the collector");
            for (OtlpCollector.Received request : collector.received) {
                assertThat(request.header("Content-Type")).isEqualTo("application/x-protobuf");
                assertThat(request.containsText("palisade-test")).isTrue();
                assertThat(request.containsHex(CALLER_TRACE)).isTrue();
                assertThat(request.containsText("trace@example.com")).isFalse();
            }
            assertThat(collector.received.stream().anyMatch(r -> r.containsHex(CALLER_SPAN)))
                    .as("server span's parent")
                    .isTrue();
            assertThat(collector.received.stream().anyMatch(r -> r.containsHex(backendParent[2])))
                    .as("backend-call span")
                    .isTrue();
            assertThat(collector.received.stream().anyMatch(r -> r.containsText("http.response.status_code")))
                    .isTrue();
        }
    }

    private static boolean received(OtlpCollector collector, String spanName) {
        return collector.received.stream().anyMatch(request -> request.containsText(spanName));
    }

    @Test
    void anInvalidTraceparentStartsANewTrace() {
        TraceContext context = TraceContext.from("00-" + "0".repeat(32) + "-" + CALLER_SPAN + "-01");
        assertThat(context.traceId()).hasSize(32).isNotEqualTo("0".repeat(32));
        assertThat(context.parentSpanId()).isNull();
        assertThat(TraceContext.from("garbage").parentSpanId()).isNull();
        assertThat(TraceContext.from("00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-00")
                        .sampled())
                .isFalse();
    }
}
