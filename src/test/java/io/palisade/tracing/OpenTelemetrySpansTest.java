package io.palisade.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import io.palisade.Await;
import io.palisade.config.MetricsListener;
import io.palisade.config.ObservabilityConfig;
import io.palisade.config.Secret;
import io.palisade.metrics.GatewayMetrics;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDK pipeline against a stand-in collector: headers, sampling, batching limits and the counts of lost spans. */
class OpenTelemetrySpansTest {
    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private final Map<String, String> savedProperties = new HashMap<>();

    @AfterEach
    void restoreProperties() {
        savedProperties.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    /** otel.* system properties are the OTEL_* variables' equivalent (and beat them) in the SDK's autoconfiguration. */
    private void otel(String name, String value) {
        savedProperties.putIfAbsent(name, System.getProperty(name));
        System.setProperty(name, value);
    }

    private static ObservabilityConfig config(URI endpoint, String serviceName, Double ratio) {
        return new ObservabilityConfig(
                Secret.empty(),
                MetricsListener.MAIN,
                Duration.ofSeconds(10),
                true,
                endpoint,
                serviceName,
                false,
                100,
                ratio);
    }

    private static Span span(String traceId, String spanId) {
        long now = System.currentTimeMillis() * 1_000_000L;
        return new Span(
                traceId,
                spanId,
                CALLER_SPAN,
                "POST /v1/chat/completions",
                2,
                now,
                now + 1_000_000,
                Map.of("palisade.model", "llama"),
                false);
    }

    @Test
    void spansReachTheCollectorAsOtlpProtobufWithTheConfiguredHeaders() throws IOException {
        otel("otel.exporter.otlp.headers", "authorization=Bearer collector-secret,x-tenant=palisade");
        try (OtlpCollector collector = new OtlpCollector()) {
            OpenTelemetrySpans spans = OpenTelemetrySpans.start(config(collector.tracesUrl(), "palisade-test", null));
            try {
                TraceContext trace = spans.begin("00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01");
                assertThat(trace.sampled()).isTrue();
                spans.export(span(trace.traceId(), trace.serverSpanId()));
                spans.flush();

                assertThat(collector.received).hasSize(1);
                OtlpCollector.Received request = collector.received.get(0);
                assertThat(request.header("Authorization")).isEqualTo("Bearer collector-secret");
                assertThat(request.header("x-tenant")).isEqualTo("palisade");
                assertThat(request.header("Content-Type")).isEqualTo("application/x-protobuf");
                assertThat(request.containsHex(CALLER_TRACE)).isTrue();
                assertThat(request.containsHex(trace.serverSpanId())).isTrue();
                assertThat(request.containsHex(CALLER_SPAN)).isTrue();
                assertThat(request.containsText("palisade-test")).isTrue();
                assertThat(request.containsText("POST /v1/chat/completions")).isTrue();
                assertThat(spans.counts().exported()).isEqualTo(1);
                assertThat(spans.counts().droppedExportFailed()).isZero();
                assertThat(spans.counts().droppedQueueFull()).isZero();
            } finally {
                spans.close();
            }
        }
    }

    @Test
    void aRatioOfZeroSamplesNoNewTraceButFollowsTheCallersFlag() throws IOException {
        try (OtlpCollector collector = new OtlpCollector()) {
            OpenTelemetrySpans spans = OpenTelemetrySpans.start(config(collector.tracesUrl(), null, 0.0));
            try {
                TraceContext root = spans.begin(null);
                assertThat(root.sampled()).isFalse();
                assertThat(root.backendTraceparent()).endsWith("-00");
                assertThat(spans.begin("00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-01")
                                .sampled())
                        .isTrue();
                assertThat(spans.begin("00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-00")
                                .sampled())
                        .isFalse();
                spans.flush();
                assertThat(collector.received).isEmpty();
                assertThat(spans.counts().exported()).isZero();
            } finally {
                spans.close();
            }
        }
        try (OtlpCollector collector = new OtlpCollector()) {
            OpenTelemetrySpans spans = OpenTelemetrySpans.start(config(collector.tracesUrl(), null, null));
            try {
                assertThat(spans.begin(null).sampled()).as("default ratio 1.0").isTrue();
                assertThat(spans.begin("00-" + CALLER_TRACE + "-" + CALLER_SPAN + "-00")
                                .sampled())
                        .isFalse();
            } finally {
                spans.close();
            }
        }
    }

    @Test
    void spansTheCollectorNeverTakesAreCountedAsDropped() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        GatewayMetrics metrics = new GatewayMetrics();
        OpenTelemetrySpans spans = OpenTelemetrySpans.start(
                config(URI.create("http://127.0.0.1:" + closedPort + "/v1/traces"), null, null));
        metrics.traceSpans(spans.counts());
        try {
            spans.export(span(CALLER_TRACE, "1111111111111111"));
            spans.export(span(CALLER_TRACE, "2222222222222222"));
            spans.flush(); // returns once the exporter gave up, after its retries
            awaitTrue(() -> spans.counts().droppedExportFailed() == 2);
            assertThat(scraped(metrics))
                    .contains(
                            "palisade_trace_spans_dropped_total{reason=\"export_failed\"} 2.0",
                            "palisade_trace_spans_dropped_total{reason=\"queue_full\"} 0.0",
                            "palisade_trace_spans_exported_total 0.0");
        } finally {
            spans.close();
        }
    }

    @Test
    void aFullQueueDropsSpansAndCountsThemWhileRequestsGoOn() throws Exception {
        otel("otel.bsp.max.queue.size", "2");
        otel("otel.bsp.max.export.batch.size", "2");
        CountDownLatch slowCollector = new CountDownLatch(1);
        try (OtlpCollector collector = new OtlpCollector(slowCollector)) {
            OpenTelemetrySpans spans = OpenTelemetrySpans.start(config(collector.tracesUrl(), null, null));
            try {
                int offered = 20;
                for (int i = 0; i < offered; i++) {
                    spans.export(span(CALLER_TRACE, String.format("%016x", i + 1)));
                }
                // At most a queue (2) plus a batch in flight (2) can be held while the collector stalls.
                assertThat(spans.counts().droppedQueueFull()).isGreaterThanOrEqualTo(offered - 4);
                slowCollector.countDown();
                awaitTrue(() -> spans.counts().exported() + spans.counts().droppedQueueFull() == offered);
                assertThat(spans.counts().droppedExportFailed()).isZero();
            } finally {
                spans.close();
            }
        }
    }

    @Test
    void palisadeYamlWinsAndTheOtelSettingsFillTheRest() {
        ObservabilityConfig unset = config(null, null, null);
        assertThat(TracingSettings.enabled(unset, name -> null, name -> null)).isFalse();
        assertThat(TracingSettings.enabled(
                        unset, name -> null, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")::get))
                .isTrue();
        assertThat(TracingSettings.enabled(
                        unset,
                        name -> null,
                        Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces")::get))
                .isTrue();
        assertThat(TracingSettings.enabled(
                        config(URI.create("http://c:4318/v1/traces"), null, null),
                        name -> null,
                        Map.of("OTEL_SDK_DISABLED", "true")::get))
                .isFalse();
        assertThat(TracingSettings.overrides(unset))
                .doesNotContainKeys("otel.service.name", "otel.traces.sampler", TracingSettings.TRACES_ENDPOINT);
        assertThat(TracingSettings.defaults())
                .containsEntry("otel.traces.sampler", "parentbased_traceidratio")
                .containsEntry("otel.traces.sampler.arg", "1.0")
                .containsEntry("otel.bsp.max.queue.size", "8192")
                .containsEntry("otel.bsp.schedule.delay", "1000");
        assertThat(TracingSettings.overrides(config(URI.create("http://c:4318/v1/traces"), "gw", 0.25)))
                .containsEntry(TracingSettings.TRACES_ENDPOINT, "http://c:4318/v1/traces")
                .containsEntry("otel.service.name", "gw")
                .containsEntry("otel.traces.sampler", "parentbased_traceidratio")
                .containsEntry("otel.traces.sampler.arg", "0.25")
                .containsEntry("otel.metrics.exporter", "none");
    }

    @Test
    void anUnnamedServiceIsPalisadeButAServiceNamedByResourceAttributesKeepsItsName() {
        AttributeKey<String> serviceName = AttributeKey.stringKey("service.name");
        assertThat(TracingSettings.withDefaultServiceName(Resource.getDefault()).getAttribute(serviceName))
                .isEqualTo("palisade");
        Resource named =
                Resource.getDefault().merge(Resource.create(Attributes.of(serviceName, "from-resource-attributes")));
        assertThat(TracingSettings.withDefaultServiceName(named).getAttribute(serviceName))
                .isEqualTo("from-resource-attributes");
    }

    /** Polls until the condition holds, at most 60 s. */
    private static void awaitTrue(BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(60), condition, "the exported spans");
    }

    private static List<String> scraped(GatewayMetrics metrics) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, metrics.registry().scrape());
        return text.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(line -> line.startsWith("palisade_trace_"))
                .toList();
    }
}
