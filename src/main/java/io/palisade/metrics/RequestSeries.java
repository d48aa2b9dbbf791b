package io.palisade.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;

/**
 * The label children one kind of finished request moves, the kind being its route, public model,
 * backend, status class and decision: the request counter, made at once since every request moves
 * it, and the others when a request first needs them.
 */
final class RequestSeries {
    record Key(String route, String model, String backend, String statusClass, String decision) {}

    final CounterDataPoint requests;
    final LazyChild<CounterDataPoint> refusals;
    final LazyChild<DistributionDataPoint> duration;
    final LazyChild<DistributionDataPoint> upstreamDuration;
    final LazyChild<DistributionDataPoint> overhead;
    final LazyChild<DistributionDataPoint> timeToFirstToken;
    final LazyChild<DistributionDataPoint> streamTokensPerSecond;

    RequestSeries(
            CounterDataPoint requests,
            LazyChild<CounterDataPoint> refusals,
            LazyChild<DistributionDataPoint> duration,
            LazyChild<DistributionDataPoint> upstreamDuration,
            LazyChild<DistributionDataPoint> overhead,
            LazyChild<DistributionDataPoint> timeToFirstToken,
            LazyChild<DistributionDataPoint> streamTokensPerSecond) {
        this.requests = requests;
        this.refusals = refusals;
        this.duration = duration;
        this.upstreamDuration = upstreamDuration;
        this.overhead = overhead;
        this.timeToFirstToken = timeToFirstToken;
        this.streamTokensPerSecond = streamTokensPerSecond;
    }
}
