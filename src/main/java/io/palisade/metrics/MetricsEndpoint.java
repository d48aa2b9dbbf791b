package io.palisade.metrics;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Predicate;

/**
 * {@code GET /metrics}: Prometheus text (or OpenMetrics when the scraper asks for it). Metrics
 * reveal traffic shape and model names, so a scrape must present {@code metrics.token} or an admin
 * key. Scrapes are not audited (one every few seconds would drown the trail). Thread-safe.
 */
public final class MetricsEndpoint implements Handler {
    private final PrometheusRegistry registry;
    private final Predicate<String> authorized;
    private final ExpositionFormats formats = ExpositionFormats.init();

    /** {@code authorized} judges the {@code Authorization} header value (may be null). */
    public MetricsEndpoint(PrometheusRegistry registry, Predicate<String> authorized) {
        this.registry = registry;
        this.authorized = authorized;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        if (!authorized.test(ctx.header("Authorization"))) {
            ctx.status(401).contentType("application/json").result("{\"error\":{\"message\":\"scraping metrics needs the metrics token"
                    + " or an admin key\",\"type\":\"authentication_error\",\"code\":\"invalid_api_key\",\"param\":null}}");
            return;
        }
        ExpositionFormatWriter writer = formats.findWriter(ctx.header("Accept"));
        ctx.status(200).contentType(writer.getContentType());
        writer.write(ctx.res().getOutputStream(), registry.scrape());
    }
}
