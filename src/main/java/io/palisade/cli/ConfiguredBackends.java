package io.palisade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.config.PalisadeConfig;
import io.palisade.upstream.Backend;
import io.palisade.upstream.BackendFactory;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The config's backends, built by the gateway's own {@link BackendFactory}, for commands that talk
 * to the model servers directly without a running gateway. Owns the timeout watchdog thread; close it.
 */
final class ConfiguredBackends implements AutoCloseable {
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("palisade-cli-watchdog").daemon(true).factory());
    private final Map<String, Backend> backends;

    ConfiguredBackends(PalisadeConfig config) {
        this.backends = Map.copyOf(new BackendFactory(watchdog, new ObjectMapper(), Clock.systemUTC())
                .build(config.backends(), List.of(), Map.of()));
    }

    Map<String, Backend> byName() {
        return backends;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
