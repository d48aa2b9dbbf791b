package io.palisade.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.admission.PolicyDecisionPoint;
import io.palisade.admission.Ticket;
import io.palisade.audit.RequestRecord;
import io.palisade.auth.Authentication;
import io.palisade.auth.Caller;
import io.palisade.config.DeploymentConfig;
import io.palisade.routing.Deployment;
import io.palisade.routing.DeploymentHealth;
import io.palisade.routing.ModelRoute;
import io.palisade.usage.TokenUsage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pieces every request goes through, one at a time, single-threaded: what each costs in CPU
 * when nothing waits. The end-to-end harness (bench/run) measures them together with the network,
 * the audit's fsync and the backend.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmarks {
    static final String BODY = "{\"model\":\"bench-fast\",\"max_tokens\":16,\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
            + "{\"role\":\"user\",\"content\":\"Hello, how are you today? Tell me about lighthouses.\"}]}";
    static final String CHUNK = "{\"id\":\"chatcmpl-0000000000000001\",\"object\":\"chat.completion.chunk\",\"created\":1795431676,"
            + "\"model\":\"upstream-model\",\"system_fingerprint\":\"fp_simulate\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" lighthouse\"},"
            + "\"logprobs\":null,\"finish_reason\":null}]}";
    private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEPARATOR = "\n\n".getBytes(StandardCharsets.US_ASCII);

    GatewayState gateway;
    String authorization;
    Caller caller;
    ModelRoute route;
    ObjectNode body;
    byte[] bodyBytes;
    final AtomicLong ids = new AtomicLong();
    final ByteArrayOutputStream socket = new ByteArrayOutputStream(1 << 16);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        gateway = new GatewayState();
        authorization = "Bearer " + gateway.token;
        caller = gateway.registry.authenticate(authorization).caller();
        Deployment deployment = new Deployment(new DeploymentConfig("bench-fast", "sim", "bench-fast", 1, null), null, false,
                new DeploymentHealth(60_000));
        route = new ModelRoute("bench-fast", List.of(deployment), null, null, List.of(), false, null);
        bodyBytes = BODY.getBytes(StandardCharsets.UTF_8);
        body = (ObjectNode) gateway.json.readTree(bodyBytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        gateway.close();
    }

    /** Key lookup: parse the header, SHA-256 the token, one map read, status checks. */
    @Benchmark
    public Authentication keyLookup() {
        return gateway.registry.authenticate(authorization);
    }

    /** Request parse: the body bytes to a Jackson tree, as JsonBodyReader does after the size checks. */
    @Benchmark
    public ObjectNode requestParse() throws Exception {
        return (ObjectNode) gateway.json.readTree(bodyBytes);
    }

    /**
     * Policy decision: model grant, prompt estimate, caps, and one reservation against every limit
     * of key and user (LocalCounters), then the settle that frees it and queues the usage row.
     */
    @Benchmark
    public long policyDecisionAndSettle() {
        if (!PolicyDecisionPoint.mayUse(caller, route)) {
            throw new IllegalStateException("not granted");
        }
        Ticket ticket = gateway.admission.admit(caller, route, body.deepCopy(), bodyBytes.length, "req_" + ids.incrementAndGet(), true);
        return gateway.admission.settle(ticket, new TokenUsage(20, 16), 16, true);
    }

    /**
     * SSE relay of one event, as OpenAiBackend and ServletEventSink do it: recognise the data line,
     * rename the model, encode and write prefix, data and separator (into memory, not a socket).
     */
    @Benchmark
    public int sseRelay() {
        String line = "data: " + CHUNK;
        String data = line.substring(5).trim();
        if (data.contains("\"usage\"") || data.startsWith("{\"error\"")) {
            throw new IllegalStateException();
        }
        String renamed = data.replace("\"model\":\"upstream-model\"", "\"model\":\"bench-fast\"");
        socket.reset();
        socket.writeBytes(PREFIX);
        socket.writeBytes(renamed.getBytes(StandardCharsets.UTF_8));
        socket.writeBytes(SEPARATOR);
        return socket.size();
    }

    /** Audit enqueue: build the "completed" row (JSON body, time) and queue it for the group commit. */
    @Benchmark
    public Object auditEnqueue() {
        RequestRecord record = new RequestRecord("req_" + ids.incrementAndGet(), Instant.now(), System.nanoTime(), "127.0.0.1", "POST",
                "/v1/chat/completions");
        record.identify(caller, null);
        record.requestedModel("bench-fast");
        record.answeredBy("bench-fast", "bench-fast", "sim", "bench-fast", List.of());
        record.usage(new TokenUsage(20, 16));
        return gateway.audit.completed(record, 200, null);
    }
}
