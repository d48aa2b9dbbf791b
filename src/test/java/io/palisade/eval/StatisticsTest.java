package io.palisade.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatisticsTest {
    @Test
    void wilsonIntervalsMatchPublishedValues() {
        Statistics.Interval interval = Statistics.wilson(36, 48);
        assertThat(interval.low()).isCloseTo(0.6121, within(0.001));
        assertThat(interval.high()).isCloseTo(0.8509, within(0.001));
        assertThat(Statistics.wilson(0, 10).low()).isZero();
        assertThat(Statistics.wilson(10, 10).high()).isCloseTo(1.0, within(1e-9));
        assertThat(Statistics.wilson(0, 0)).isEqualTo(new Statistics.Interval(0, 1));
    }

    @Test
    void exactMcNemar() {
        assertThat(Statistics.mcNemarExact(0, 0)).isEqualTo(1.0);
        assertThat(Statistics.mcNemarExact(5, 5)).isEqualTo(1.0);
        assertThat(Statistics.mcNemarExact(10, 0)).isCloseTo(2 * Math.pow(0.5, 10), within(1e-12));
        assertThat(Statistics.mcNemarExact(8, 2)).isCloseTo(0.109375, within(1e-9));
        assertThat(Statistics.mcNemarExact(2, 8)).isEqualTo(Statistics.mcNemarExact(8, 2));
    }
}
