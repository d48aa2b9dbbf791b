package io.palisade.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.config.ReloadResult;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A reload's result is a type; what dashboards and the admin API see of it is the same words as
 * when it was a string: {@code applied}, {@code unchanged}, {@code rejected}.
 */
class LifecycleMetricsReloadTest {
    @Test
    void eachResultIsCountedUnderItsUnchangedLabel() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        LifecycleMetrics metrics = new LifecycleMetrics(registry, List::of, (model, deployment) -> null);

        metrics.reloaded(ReloadResult.APPLIED);
        metrics.reloaded(ReloadResult.APPLIED);
        metrics.reloaded(ReloadResult.UNCHANGED);
        metrics.reloaded(ReloadResult.REJECTED);

        Scrape scrape = Scrape.parse(text(registry));
        assertThat(scrape.value("palisade_config_reloads_total", "result", "applied"))
                .isEqualTo(2.0);
        assertThat(scrape.value("palisade_config_reloads_total", "result", "unchanged"))
                .isEqualTo(1.0);
        assertThat(scrape.value("palisade_config_reloads_total", "result", "rejected"))
                .isEqualTo(1.0);
    }

    @Test
    void theRenderedWordsAreTheOnesShownBefore() {
        assertThat(List.of(ReloadResult.values()))
                .extracting(ReloadResult::label)
                .containsExactly("applied", "unchanged", "rejected");
        assertThat(ReloadResult.REJECTED).hasToString("rejected");
    }

    private static String text(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
