package io.palisade.config;

import io.palisade.tls.TlsFiles;
import java.time.Duration;

/**
 * The listener's TLS: {@code files} null means plain HTTP. {@code adminClientAuth} REQUIRED
 * refuses admin API requests that came without a client certificate verified against
 * {@code files.clientCa()}; {@code reloadInterval} is how often the files are checked for new
 * content.
 */
public record TlsConfig(TlsFiles files, AdminClientAuth adminClientAuth, Duration reloadInterval) {
    public static final TlsConfig OFF = new TlsConfig(null, AdminClientAuth.OFF, Duration.ofSeconds(10));

    public boolean enabled() {
        return files != null;
    }

    /** Whether the admin API demands a verified client certificate. */
    public enum AdminClientAuth {
        REQUIRED,
        OFF
    }
}
