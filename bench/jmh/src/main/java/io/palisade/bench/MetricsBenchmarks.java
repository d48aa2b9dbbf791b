package io.palisade.bench;

import io.palisade.metrics.GatewayMetrics;
import io.palisade.metrics.RequestOutcome;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The metric movements of one finished request ({@code GatewayMetrics#requestStarted} and
 * {@code #requestFinished}), per shape of request: an allowed chat completion, a streamed one, and
 * one refused by a rate limit. The public model name is a new string every time, as it is in the
 * gateway (parsed from the request body), so its hash is computed afresh; the outcome record is
 * built per operation as {@code RequestObserver} builds it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MetricsBenchmarks {
    private static final String ROUTE = "/v1/chat/completions";
    private static final byte[] MODEL = "bench-fast".getBytes(StandardCharsets.UTF_8);

    @Param({"allowed", "streamed", "refused"})
    public String shape;

    GatewayMetrics metrics;

    @Setup
    public void setUp() {
        metrics = new GatewayMetrics();
    }

    @Benchmark
    public void requestFinished() {
        metrics.requestStarted();
        metrics.requestFinished(outcome(new String(MODEL, StandardCharsets.UTF_8)));
    }

    private RequestOutcome outcome(String model) {
        return switch (shape) {
            case "allowed" -> new RequestOutcome(ROUTE, model, "sim", 200, "allowed", true, false, 0.0012, 0.0004, -1, 20, 16, 0.00012, "-",
                    null, "bench@example.com");
            case "streamed" -> new RequestOutcome(ROUTE, model, "sim", 200, "allowed", true, false, 6.2, 6.19, 0.35, 20, 24, 0.00015, "-",
                    null, "bench@example.com");
            default -> new RequestOutcome(ROUTE, "-", "-", 429, "rate_limited", false, true, 0.0003, -1, -1, 0, 0, 0, "-", null,
                    "bench@example.com");
        };
    }
}
