package io.palisade.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.config.PalisadeConfig;
import io.palisade.upstream.Backend;
import io.palisade.upstream.BackendFactory;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A config's backends over real HTTP, built by the gateway's own {@link BackendFactory}. */
final class TestBackends implements AutoCloseable {
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, Backend> backends;

    TestBackends(PalisadeConfig config) {
        this.backends = Map.copyOf(new BackendFactory(watchdog, new ObjectMapper(), Clock.systemUTC())
                .build(config.backends(), List.of(), Map.of()));
    }

    Map<String, Backend> byName() {
        return backends;
    }

    Backend get(String name) {
        return backends.get(name);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
