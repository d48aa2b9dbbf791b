package io.palisade.tracing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports spans as OTLP/HTTP JSON ({@code POST …/v1/traces}) in batches from one background
 * thread. The request path only offers a span to a bounded queue: when the collector is slow or
 * down, spans are dropped (and counted), never the requests. Thread-safe.
 */
public final class OtlpHttpExporter implements SpanExporter {
    private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpExporter.class);
    private static final int QUEUE = 8192;
    private static final int BATCH = 512;

    private final URI endpoint;
    private final String serviceName;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final BlockingQueue<Span> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    public OtlpHttpExporter(URI endpoint, String serviceName, ObjectMapper json) {
        this.endpoint = endpoint;
        this.serviceName = serviceName;
        this.json = json;
        this.thread = Thread.ofPlatform().name("palisade-trace-exporter").daemon(true).start(this::run);
    }

    @Override
    public void export(Span span) {
        if (!queue.offer(span)) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public boolean enabled() {
        return true;
    }

    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Span> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            send(rest);
        }
    }

    private void run() {
        while (!closed) {
            try {
                Span first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                List<Span> batch = new ArrayList<>();
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void send(List<Span> batch) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body(batch)))).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() >= 300) {
                dropped.addAndGet(batch.size());
                LOG.warn("trace collector answered HTTP {}; {} spans dropped", response.statusCode(), batch.size());
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            dropped.addAndGet(batch.size());
            LOG.warn("cannot export {} spans to the trace collector: {}", batch.size(), e.getMessage());
        }
    }

    private ObjectNode body(List<Span> batch) {
        ObjectNode root = json.createObjectNode();
        ObjectNode resourceSpans = root.putArray("resourceSpans").addObject();
        attributes(resourceSpans.putObject("resource").putArray("attributes"), Map.of("service.name", serviceName));
        ObjectNode scopeSpans = resourceSpans.putArray("scopeSpans").addObject();
        scopeSpans.putObject("scope").put("name", "io.palisade");
        ArrayNode spans = scopeSpans.putArray("spans");
        for (Span span : batch) {
            ObjectNode node = spans.addObject();
            node.put("traceId", span.traceId());
            node.put("spanId", span.spanId());
            if (span.parentSpanId() != null) {
                node.put("parentSpanId", span.parentSpanId());
            }
            node.put("name", span.name());
            node.put("kind", span.kind());
            node.put("startTimeUnixNano", Long.toString(span.startEpochNanos()));
            node.put("endTimeUnixNano", Long.toString(span.endEpochNanos()));
            attributes(node.putArray("attributes"), span.attributes());
            node.putObject("status").put("code", span.error() ? 2 : 1);
        }
        return root;
    }

    private static void attributes(ArrayNode target, Map<String, Object> attributes) {
        attributes.forEach((key, value) -> {
            if (value == null) {
                return;
            }
            ObjectNode attribute = target.addObject();
            attribute.put("key", key);
            ObjectNode wrapped = attribute.putObject("value");
            if (value instanceof Number number) {
                wrapped.put("intValue", Long.toString(number.longValue()));
            } else if (value instanceof Boolean bool) {
                wrapped.put("boolValue", bool);
            } else {
                wrapped.put("stringValue", value.toString());
            }
        });
    }
}
