package io.palisade.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.config.BackendConfig;
import io.palisade.config.BackendKind;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Builds the client for each configured backend. On reload, a backend whose config did not change
 * keeps its client (and its pooled connections); a changed one gets a new client while requests
 * already running finish on the old one. Thread-safe.
 */
public final class BackendFactory {
    private final ScheduledExecutorService watchdog;
    private final ObjectMapper json;
    private final Clock clock;

    public BackendFactory(ScheduledExecutorService watchdog, ObjectMapper json, Clock clock) {
        this.watchdog = watchdog;
        this.json = json;
        this.clock = clock;
    }

    public Backend create(BackendConfig config) {
        UpstreamHttp http = new UpstreamHttp(config, watchdog, json);
        if (config.kind() == BackendKind.OLLAMA) {
            return new OllamaBackend(config, http, json, clock);
        }
        // TGI's /info and llama.cpp's /props sit at the server root, outside a base URL that ends in /v1;
        // a URL without /v1 is the server root already, and one client (one pool, one sweep) serves both.
        BackendConfig root = OpenAiBackend.serverRoot(config);
        return new OpenAiBackend(
                config, http, root.equals(config) ? http : new UpstreamHttp(root, watchdog, json), json);
    }

    /** The clients for {@code configs}, reusing those in {@code previous} whose config is unchanged. */
    public Map<String, Backend> build(
            List<BackendConfig> configs, List<BackendConfig> previousConfigs, Map<String, Backend> previous) {
        Map<String, Backend> backends = new LinkedHashMap<>();
        for (BackendConfig config : configs) {
            boolean unchanged = previousConfigs.contains(config) && previous.containsKey(config.name());
            backends.put(config.name(), unchanged ? previous.get(config.name()) : create(config));
        }
        return backends;
    }
}
