package io.palisade.tracing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A stand-in OTLP/HTTP collector on a private port: records every POST to /v1/traces and answers 200 (once let through). */
final class OtlpCollector implements AutoCloseable {
    // The body as received, for assertions; records of it are never compared.
    @SuppressWarnings("ArrayRecordComponent")
    record Received(Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }

        /** Whether the protobuf body holds these bytes (trace and span ids are raw bytes in OTLP protobuf). */
        boolean containsHex(String hex) {
            return contains(HexFormat.of().parseHex(hex));
        }

        boolean containsText(String text) {
            return contains(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        private boolean contains(byte[] needle) {
            outer:
            for (int start = 0; start <= body.length - needle.length; start++) {
                for (int i = 0; i < needle.length; i++) {
                    if (body[start + i] != needle[i]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch open;
    private final HttpServer server;

    /** {@code open}: the collector answers only once this is counted down (a slow collector). */
    OtlpCollector(CountDownLatch open) throws IOException {
        this.open = open;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try {
                byte[] body = exchange.getRequestBody().readAllBytes();
                open.await(60, TimeUnit.SECONDS);
                received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body));
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    OtlpCollector() throws IOException {
        this(new CountDownLatch(0));
    }

    URI tracesUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces");
    }

    @Override
    public void close() {
        open.countDown();
        server.stop(0);
    }
}
