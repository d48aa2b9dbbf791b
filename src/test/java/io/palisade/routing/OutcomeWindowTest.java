package io.palisade.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomeWindowTest {
    private static final long WINDOW = 60_000;
    private final OutcomeWindow window = new OutcomeWindow(WINDOW);

    @Test
    void countsRequestsErrorsAndAMedianWithinBucketPrecision() {
        for (int i = 0; i < 9; i++) {
            window.record(1_000, false, 100);
        }
        window.record(1_000, true, 0);
        OutcomeWindow.Summary summary = window.summary(2_000);
        assertThat(summary.requests()).isEqualTo(10);
        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.errorRate()).isEqualTo(0.1);
        assertThat(summary.medianMillis()).isBetween(100.0, 125.0);
    }

    @Test
    void forgetsWhatIsOlderThanTheWindow() {
        window.record(0, true, 0);
        window.record(30_000, false, 5);
        assertThat(window.summary(59_000).requests()).isEqualTo(2);
        assertThat(window.summary(75_000).requests()).isEqualTo(1);
        window.record(200_000, false, 5);
        assertThat(window.summary(200_000).requests())
                .as("a reused slot starts empty")
                .isEqualTo(1);
        assertThat(Double.isNaN(new OutcomeWindow(WINDOW).summary(0).medianMillis()))
                .isTrue();
    }
}
