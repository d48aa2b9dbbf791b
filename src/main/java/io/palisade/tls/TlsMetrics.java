package io.palisade.tls;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;

/**
 * The listener certificate's metrics: when it expires (Unix seconds, so an alert can compare it
 * with {@code time()}) and how reloads of its files went. Registered only when TLS is on. Thread-safe.
 */
public final class TlsMetrics {
    private final Gauge expiry;
    private final Counter reloads;

    public TlsMetrics(PrometheusRegistry registry) {
        expiry = Gauge.builder()
                .name("palisade_tls_certificate_expiry_seconds")
                .help("When the listener's certificate stops being valid (its notAfter), in Unix seconds")
                .register(registry);
        reloads = Counter.builder()
                .name("palisade_tls_reloads_total")
                .help("Reloads of the listener's certificate files by outcome: applied, or rejected"
                        + " (unreadable or a certificate and key that do not match; the previous one stays)")
                .labelNames("outcome")
                .register(registry);
        // Both outcomes exist from the start, so rate() and increase() see the first rejection.
        reloads.labelValues("applied");
        reloads.labelValues("rejected");
    }

    void serving(Instant notAfter) {
        expiry.set((double) notAfter.getEpochSecond());
    }

    void applied() {
        reloads.labelValues("applied").inc();
    }

    void rejected() {
        reloads.labelValues("rejected").inc();
    }
}
