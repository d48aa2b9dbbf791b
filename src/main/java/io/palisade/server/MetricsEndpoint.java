package io.palisade.server;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.palisade.api.openai.OpenAiErrors;
import io.palisade.error.PalisadeException;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Function;

/**
 * {@code GET /metrics}: Prometheus text (or OpenMetrics when the scraper asks for it). Metrics
 * reveal traffic shape and model names, so a scrape must present {@code metrics.token} or an admin
 * key. Scrapes are not audited (one every few seconds would drown the trail). Thread-safe.
 */
public final class MetricsEndpoint implements Handler {
    private final PrometheusRegistry registry;
    private final Function<String, PalisadeException> refusal;
    private final ExpositionFormats formats = ExpositionFormats.init();

    /**
     * {@code refusal} judges the {@code Authorization} header value (may be null): the refusal to
     * answer in the API's error shape, or null to serve the scrape.
     */
    public MetricsEndpoint(PrometheusRegistry registry, Function<String, PalisadeException> refusal) {
        this.registry = registry;
        this.refusal = refusal;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        PalisadeException refused = refusal.apply(ctx.header("Authorization"));
        if (refused != null) {
            ctx.status(refused.code().status())
                    .contentType("application/json")
                    .result(OpenAiErrors.body(refused).toString());
            return;
        }
        ExpositionFormatWriter writer = formats.findWriter(ctx.header("Accept"));
        ctx.status(200).contentType(writer.getContentType());
        writer.write(ctx.res().getOutputStream(), registry.scrape());
    }
}
