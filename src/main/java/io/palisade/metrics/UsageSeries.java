package io.palisade.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;

/** The token and cost counters of one public model and team, each made when first moved. */
final class UsageSeries {
    record Key(String model, String team) {}

    final LazyChild<CounterDataPoint> promptTokens;
    final LazyChild<CounterDataPoint> completionTokens;
    final LazyChild<CounterDataPoint> cost;

    UsageSeries(
            LazyChild<CounterDataPoint> promptTokens,
            LazyChild<CounterDataPoint> completionTokens,
            LazyChild<CounterDataPoint> cost) {
        this.promptTokens = promptTokens;
        this.completionTokens = completionTokens;
        this.cost = cost;
    }
}
