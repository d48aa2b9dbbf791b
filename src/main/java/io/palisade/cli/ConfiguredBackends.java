package io.palisade.cli;

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

/**
 * The config's backends, built the way the gateway builds them, for commands that talk to the model
 * servers directly without a running gateway. Owns the timeout watchdog thread; close it.
 */
final class ConfiguredBackends implements AutoCloseable {
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("palisade-cli-watchdog").daemon(true).factory());
    private final Map<String, Backend> backends;

    ConfiguredBackends(PalisadeConfig config) {
        ObjectMapper json = new ObjectMapper();
        Map<String, Backend> built = new LinkedHashMap<>();
        for (BackendConfig backend : config.backends()) {
            UpstreamHttp http = new UpstreamHttp(backend, watchdog, json);
            built.put(backend.name(), backend.kind() == BackendKind.OLLAMA
                    ? new OllamaBackend(backend, http, json, Clock.systemUTC())
                    : new OpenAiBackend(backend, http, new UpstreamHttp(OpenAiBackend.serverRoot(backend), watchdog, json), json));
        }
        this.backends = Map.copyOf(built);
    }

    Map<String, Backend> byName() {
        return backends;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
