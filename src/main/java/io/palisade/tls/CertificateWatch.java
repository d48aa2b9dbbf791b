package io.palisade.tls;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the TLS files every {@code interval} on a thread of its own and reloads them when their
 * content changed (certbot, cert-manager and friends replace them in place or by rename; a digest
 * of the contents notices both, where a file-system watch misses renames of the parent's symlinks
 * as Kubernetes does them). Closing stops the checks. Thread-safe.
 */
public final class CertificateWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateWatch.class);
    private final ScheduledExecutorService scheduler;

    public CertificateWatch(ServerTls tls, Duration interval) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("palisade-tls-watch").daemon(true).factory());
        long millis = interval.toMillis();
        var unused = scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        tls.reloadIfChanged("files changed");
                    } catch (RuntimeException e) {
                        // The next check tries again; the served certificate stays.
                        LOG.error("checking the TLS files failed", e);
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
