package io.palisade.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact series a finished request moves: names, labels and values as scraped, and no series
 * for what did not happen (a request that streamed nothing leaves no time-to-first-token series).
 * Bucket lines are left out; counts and sums pin the histograms.
 */
class GatewayMetricsTest {
    private static final String CHAT = "/v1/chat/completions";

    @Test
    void anAllowedRequestMovesItsSeriesAndCreatesNoOthers() throws IOException {
        GatewayMetrics metrics = new GatewayMetrics();

        finish(metrics, allowed("llama", 200, 0.5, 0.25, -1, 20, 16, 0.125));

        assertThat(scraped(metrics))
                .containsExactly(
                        "palisade_cost_usd_total{model=\"llama\",team=\"research\"} 0.125",
                        "palisade_gateway_overhead_seconds_count{route=\"/v1/chat/completions\"} 1",
                        "palisade_gateway_overhead_seconds_sum{route=\"/v1/chat/completions\"} 0.25",
                        "palisade_request_duration_seconds_count{backend=\"local\",model=\"llama\",route=\"/v1/chat/completions\"} 1",
                        "palisade_request_duration_seconds_sum{backend=\"local\",model=\"llama\",route=\"/v1/chat/completions\"} 0.5",
                        "palisade_requests_in_flight 0.0",
                        "palisade_requests_total{backend=\"local\",decision=\"allowed\",model=\"llama\",route=\"/v1/chat/completions\",status_class=\"2xx\"} 1.0",
                        "palisade_tokens_total{kind=\"completion\",model=\"llama\",team=\"research\"} 16.0",
                        "palisade_tokens_total{kind=\"prompt\",model=\"llama\",team=\"research\"} 20.0",
                        "palisade_upstream_duration_seconds_count{backend=\"local\"} 1",
                        "palisade_upstream_duration_seconds_sum{backend=\"local\"} 0.25");
    }

    @Test
    void repeatedRequestsAddUpAndALaterStreamAddsItsOwnSeries() throws IOException {
        GatewayMetrics metrics = new GatewayMetrics();

        finish(metrics, allowed("llama", 200, 0.5, 0.25, -1, 20, 0, 0));
        finish(metrics, allowed(new String("llama".toCharArray()), 200, 0.5, 0.25, -1, 20, 0, 0));
        finish(metrics, allowed("llama", 200, 4.5, 4.25, 0.5, 20, 16, 0));

        assertThat(scraped(metrics))
                .containsExactly(
                        "palisade_gateway_overhead_seconds_count{route=\"/v1/chat/completions\"} 3",
                        "palisade_gateway_overhead_seconds_sum{route=\"/v1/chat/completions\"} 0.75",
                        "palisade_request_duration_seconds_count{backend=\"local\",model=\"llama\",route=\"/v1/chat/completions\"} 3",
                        "palisade_request_duration_seconds_sum{backend=\"local\",model=\"llama\",route=\"/v1/chat/completions\"} 5.5",
                        "palisade_requests_in_flight 0.0",
                        "palisade_requests_total{backend=\"local\",decision=\"allowed\",model=\"llama\",route=\"/v1/chat/completions\",status_class=\"2xx\"} 3.0",
                        "palisade_stream_tokens_per_second_count{backend=\"local\",model=\"llama\"} 1",
                        "palisade_stream_tokens_per_second_sum{backend=\"local\",model=\"llama\"} 4.0",
                        "palisade_time_to_first_token_seconds_count{backend=\"local\",model=\"llama\"} 1",
                        "palisade_time_to_first_token_seconds_sum{backend=\"local\",model=\"llama\"} 0.5",
                        "palisade_tokens_total{kind=\"completion\",model=\"llama\",team=\"research\"} 16.0",
                        "palisade_tokens_total{kind=\"prompt\",model=\"llama\",team=\"research\"} 60.0",
                        "palisade_upstream_duration_seconds_count{backend=\"local\"} 3",
                        "palisade_upstream_duration_seconds_sum{backend=\"local\"} 4.75");
    }

    @Test
    void refusalsCountByReasonAndOnlyLimitRefusalsCountAsRefusals() throws IOException {
        GatewayMetrics metrics = new GatewayMetrics();

        finish(metrics, refused(429, "rate_limited", true));
        finish(metrics, refused(429, "rate_limited", true));
        finish(metrics, refused(403, "model_access_denied", false));

        assertThat(scraped(metrics))
                .containsExactly(
                        "palisade_refusals_total{reason=\"rate_limited\"} 2.0",
                        "palisade_requests_in_flight 0.0",
                        "palisade_requests_total{backend=\"-\",decision=\"model_access_denied\",model=\"-\",route=\"/v1/chat/completions\",status_class=\"4xx\"} 1.0",
                        "palisade_requests_total{backend=\"-\",decision=\"rate_limited\",model=\"-\",route=\"/v1/chat/completions\",status_class=\"4xx\"} 2.0");
    }

    @Test
    void aFailedBackendCountsItsErrorKind() throws IOException {
        GatewayMetrics metrics = new GatewayMetrics();

        finish(
                metrics,
                new RequestOutcome(
                        CHAT, "broken", "down", 502, "allowed", true, false, 0.5, 0.5, -1, 0, 0, 0, "-", "connect",
                        null));

        assertThat(scraped(metrics))
                .contains(
                        "palisade_requests_total{backend=\"down\",decision=\"allowed\",model=\"broken\",route=\"/v1/chat/completions\",status_class=\"5xx\"} 1.0",
                        "palisade_upstream_errors_total{backend=\"down\",kind=\"connect\"} 1.0");
    }

    @Test
    void theStatusClassIsTheHundredsOfTheStatusForAnyStatus() throws IOException {
        GatewayMetrics metrics = new GatewayMetrics();
        for (int status : List.of(0, 99, 101, 200, 204, 301, 404, 499, 500, 599, 999, 1000, -150)) {
            finish(metrics, refused(status, "some_reason", false));
        }

        assertThat(scraped(metrics))
                .filteredOn(line -> line.startsWith("palisade_requests_total"))
                .extracting(line -> line.replaceAll(".*status_class=\"([^\"]*)\".* (.*)", "$1 $2"))
                .containsExactly(
                        "-1xx 1.0",
                        "0xx 2.0",
                        "10xx 1.0",
                        "1xx 1.0",
                        "2xx 2.0",
                        "3xx 1.0",
                        "4xx 2.0",
                        "5xx 2.0",
                        "9xx 1.0");
    }

    @Test
    void pastTheCacheBoundEveryCombinationStillMovesItsOwnSeries() throws IOException {
        GatewayMetrics metrics = new GatewayMetrics(false, 0, 1);
        for (int round = 0; round < 2; round++) {
            for (String model : List.of("llama", "qwen", "mistral")) {
                finish(metrics, allowed(model, 200, 0.5, 0.25, 0.25, 1, 1, 0));
            }
            finish(metrics, refused(429, "rate_limited", true));
        }

        assertThat(scraped(metrics))
                .contains(
                        "palisade_requests_total{backend=\"local\",decision=\"allowed\",model=\"qwen\",route=\"/v1/chat/completions\",status_class=\"2xx\"} 2.0",
                        "palisade_requests_total{backend=\"local\",decision=\"allowed\",model=\"mistral\",route=\"/v1/chat/completions\",status_class=\"2xx\"} 2.0",
                        "palisade_requests_total{backend=\"-\",decision=\"rate_limited\",model=\"-\",route=\"/v1/chat/completions\",status_class=\"4xx\"} 2.0",
                        "palisade_refusals_total{reason=\"rate_limited\"} 2.0",
                        "palisade_time_to_first_token_seconds_count{backend=\"local\",model=\"mistral\"} 2",
                        "palisade_tokens_total{kind=\"prompt\",model=\"qwen\",team=\"research\"} 2.0",
                        "palisade_upstream_duration_seconds_count{backend=\"local\"} 6",
                        "palisade_gateway_overhead_seconds_count{route=\"/v1/chat/completions\"} 6");
    }

    @Test
    void perUserSeriesStayCappedAtTheirLimit() throws IOException {
        GatewayMetrics metrics = new GatewayMetrics(true, 1);

        finish(metrics, byUser("ada@example.com"));
        finish(metrics, byUser("bob@example.com"));

        assertThat(scraped(metrics))
                .contains(
                        "palisade_user_requests_total{decision=\"allowed\",user=\"ada@example.com\"} 1.0",
                        "palisade_user_requests_total{decision=\"allowed\",user=\"other\"} 1.0",
                        "palisade_user_tokens_total{user=\"ada@example.com\"} 5.0",
                        "palisade_user_tokens_total{user=\"other\"} 5.0");
    }

    private static RequestOutcome allowed(
            String model,
            int status,
            double total,
            double upstream,
            double firstToken,
            long prompt,
            long completion,
            double cost) {
        return new RequestOutcome(
                CHAT,
                model,
                "local",
                status,
                "allowed",
                true,
                false,
                total,
                upstream,
                firstToken,
                prompt,
                completion,
                cost,
                "research",
                null,
                null);
    }

    private static RequestOutcome byUser(String user) {
        return new RequestOutcome(
                CHAT, "llama", "local", 200, "allowed", true, false, 0.5, 0.25, -1, 2, 3, 0, "-", null, user);
    }

    private static RequestOutcome refused(int status, String reason, boolean byLimits) {
        return new RequestOutcome(
                CHAT, "-", "-", status, reason, false, byLimits, 0.001, -1, -1, 0, 0, 0, "-", null, null);
    }

    @Test
    void withTracingOnTheSpanCountsAreScrapedAndWithoutItNoTraceSeriesExist() throws IOException {
        GatewayMetrics metrics = new GatewayMetrics();
        assertThat(scraped(metrics)).noneMatch(line -> line.startsWith("palisade_trace_"));

        metrics.traceSpans(new io.palisade.metrics.TraceSpanCounts() {
            @Override
            public long exported() {
                return 7;
            }

            @Override
            public long droppedQueueFull() {
                return 2;
            }

            @Override
            public long droppedExportFailed() {
                return 3;
            }
        });

        assertThat(scraped(metrics))
                .containsExactly(
                        "palisade_requests_in_flight 0.0",
                        "palisade_trace_spans_dropped_total{reason=\"export_failed\"} 3.0",
                        "palisade_trace_spans_dropped_total{reason=\"queue_full\"} 2.0",
                        "palisade_trace_spans_exported_total 7.0");
    }

    @Test
    void theBuildIsScrapedAsOneInfoSeriesWithItsVersionCommitDateAndJava() throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create()
                .write(text, new GatewayMetrics().registry().scrape());
        io.palisade.build.BuildInfo build = io.palisade.build.BuildInfo.current();

        assertThat(text.toString(StandardCharsets.UTF_8).lines())
                .contains("# TYPE palisade_build_info gauge")
                .filteredOn(line -> line.startsWith("palisade_build_info"))
                .containsExactly("palisade_build_info{build_date=\"" + build.buildDate() + "\",commit=\""
                        + build.commit() + "\",java=\"" + build.java() + "\",version=\"" + build.version()
                        + "\"} 1");
        assertThat(build.version()).isNotEqualTo(io.palisade.build.BuildInfo.UNKNOWN);
        assertThat(build.java()).isEqualTo(Runtime.version().toString());
    }

    private static void finish(GatewayMetrics metrics, RequestOutcome outcome) {
        metrics.requestStarted();
        metrics.requestFinished(outcome);
    }

    /** Palisade's own sample lines, sorted, without histogram buckets and the audit's (always there, moved by no request). */
    private static List<String> scraped(GatewayMetrics metrics) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, metrics.registry().scrape());
        return text.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(line -> line.startsWith("palisade_")
                        && !line.contains("_bucket{")
                        && !line.startsWith("palisade_audit_")
                        && !line.startsWith("palisade_build_info"))
                .sorted()
                .toList();
    }
}
