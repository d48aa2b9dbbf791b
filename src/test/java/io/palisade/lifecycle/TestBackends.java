package io.palisade.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.config.BackendConfig;
import io.palisade.config.BackendKind;
import io.palisade.config.PalisadeConfig;
import io.palisade.upstream.Backend;
import io.palisade.upstream.OllamaBackend;
import io.palisade.upstream.OpenAiBackend;
import io.palisade.upstream.UpstreamHttp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A config's backends over real HTTP, as the gateway builds them. */
final class TestBackends implements AutoCloseable {
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, Backend> backends = new LinkedHashMap<>();

    TestBackends(PalisadeConfig config) {
        ObjectMapper json = new ObjectMapper();
        for (BackendConfig backend : config.backends()) {
            UpstreamHttp http = new UpstreamHttp(backend, watchdog, json);
            backends.put(backend.name(), backend.kind() == BackendKind.OLLAMA
                    ? new OllamaBackend(backend, http, json, Clock.systemUTC())
                    : new OpenAiBackend(backend, http, new UpstreamHttp(OpenAiBackend.serverRoot(backend), watchdog, json), json));
        }
    }

    Map<String, Backend> byName() {
        return Map.copyOf(backends);
    }

    Backend get(String name) {
        return backends.get(name);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
