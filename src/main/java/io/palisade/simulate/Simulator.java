package io.palisade.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated model server: a test double that speaks the Ollama and OpenAI-compatible wire
 * protocols with deterministic answers (see the package documentation). Start it, point a client
 * at {@link #baseUrl()}, inspect what it received with {@link #requests()}, and close it.
 *
 * <p>Thread-safe: all methods may be called from any thread while requests are being served.
 * A simulator starts at most once; after {@link #close()} it cannot be started again.
 */
public final class Simulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
    private static final int JOURNAL_CAPACITY = 1000;
    private static final long MAX_REQUEST_BYTES = 64L * 1024 * 1024;

    private final SimulatorConfig config;
    private final RequestJournal journal = new RequestJournal(JOURNAL_CAPACITY);
    private final ModelCatalog catalog;
    private final Pacer pacer;
    private final OllamaEndpoints ollama;
    private final OllamaModelEndpoints ollamaModels;
    private final OpenAiEndpoints openAi;
    private final OpenAiModelEndpoints openAiModels;
    private final EmbeddingEndpoints embeddings;

    private Javalin server; // guarded by this
    private boolean closed; // guarded by this

    public Simulator(SimulatorConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        var clock = Clock.systemUTC();
        var mapper = new ObjectMapper();
        var replies = new JsonReplies(mapper);
        var tokenizer = new SimulatedTokenizer();
        var loadedModels = new LoadedModels(clock);
        this.catalog = new ModelCatalog(config.models());
        this.pacer = new Pacer(config.tokensPerSecond());
        var failures = new FailureInjector(config.errorRate(), config.disconnectRate(), config.seed());
        var gate = new ResponseGate(failures, pacer, config.latency());
        warnAboutModelsNotServed(config);
        var knowledge = new KnowledgeBase(config.knowledge(), config.accuracy(), catalog, config.seed());
        var judge = new Judge(config.judgeModes(), catalog, replies, config.seed());
        var generator = new TextGenerator(
                tokenizer, new ToolCallPlanner(), new StructuredAnswer(replies), replies, knowledge, judge);
        this.ollama = new OllamaEndpoints(
                mapper,
                replies,
                gate,
                catalog,
                loadedModels,
                generator,
                new OllamaResponseWriter(replies, pacer, clock),
                config.seed());
        this.ollamaModels = new OllamaModelEndpoints(mapper, replies, gate, catalog, loadedModels);
        this.openAi = new OpenAiEndpoints(
                mapper,
                replies,
                gate,
                catalog,
                loadedModels,
                generator,
                new OpenAiResponseWriter(replies, pacer, clock),
                config.seed());
        this.openAiModels = new OpenAiModelEndpoints(replies, gate, catalog);
        this.embeddings = new EmbeddingEndpoints(
                mapper, replies, gate, catalog, loadedModels, new EmbeddingGenerator(tokenizer), tokenizer);
    }

    /** Binds and starts serving; with port 0 a free port is chosen, see {@link #port()}. */
    public synchronized Simulator start() {
        if (closed) {
            throw new IllegalStateException("this simulator was closed; create a new one");
        }
        if (server != null) {
            throw new IllegalStateException("this simulator is already started");
        }
        server = Javalin.create(this::configure).start(config.host(), config.port());
        LOG.info("simulated model server for {} listening on {}", config.models(), baseUrl());
        return this;
    }

    /** The port actually bound. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("the simulator is not started");
        }
        return server.port();
    }

    /** Where clients reach the simulator, e.g. {@code http://127.0.0.1:11434}. */
    public String baseUrl() {
        String host = config.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port();
    }

    /** Stops serving. Simulated waits in progress end at once. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        pacer.shutdown();
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** The last 1000 requests received, oldest first; a snapshot, safe to keep. */
    public List<RecordedRequest> requests() {
        return journal.snapshot();
    }

    public void clearRequests() {
        journal.clear();
    }

    /**
     * Changes the digest reported for a model from now on (by {@code /api/tags}, {@code /api/ps} and
     * {@code /api/show}, and as {@code model_sha} by TGI's {@code /info}), as if it had been re-pulled.
     *
     * @throws IllegalArgumentException if the model is not served or the digest is blank
     */
    public void setModelDigest(String model, String digest) {
        catalog.overrideDigest(model, digest);
    }

    /**
     * Changes the GGUF file llama.cpp's {@code /props} reports as {@code model_path} for a model
     * (default: a made-up {@code /models/NAME.gguf}).
     *
     * @throws IllegalArgumentException if the model is not served or the path is blank
     */
    public void setModelFile(String model, String path) {
        catalog.overrideFile(model, path);
    }

    /** A misspelt model name would silently leave that model at full accuracy or not judging. */
    private void warnAboutModelsNotServed(SimulatorConfig settings) {
        var named = new TreeSet<String>(settings.accuracy().keySet());
        named.addAll(settings.judgeModes().keySet());
        for (String model : named) {
            if (catalog.find(model).isEmpty()) {
                LOG.warn("accuracy or judge mode set for {}, which this simulator does not serve", model);
            }
        }
    }

    private void configure(JavalinConfig javalin) {
        javalin.startup.showJavalinBanner = false;
        javalin.startup.showOldJavalinVersionWarning = false;
        javalin.concurrency.useVirtualThreads = true;
        javalin.http.compressionStrategy = CompressionStrategy.NONE;
        javalin.http.maxRequestSize = MAX_REQUEST_BYTES;
        javalin.routes.before(this::record);
        ollama.register(javalin.routes);
        ollamaModels.register(javalin.routes);
        openAi.register(javalin.routes);
        openAiModels.register(javalin.routes);
        embeddings.register(javalin.routes);
    }

    private void record(Context ctx) {
        HttpServletRequest request = ctx.req();
        var headers = new HashMap<String, String>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.merge(
                    name.toLowerCase(Locale.ROOT),
                    String.join(", ", Collections.list(request.getHeaders(name))),
                    (first, second) -> first + ", " + second);
        }
        journal.record(new RecordedRequest(request.getMethod(), ctx.path(), headers, ctx.body()));
    }
}
