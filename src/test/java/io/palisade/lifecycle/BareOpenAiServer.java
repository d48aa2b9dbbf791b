package io.palisade.lifecycle;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * An OpenAI-compatible server without TGI's /info. Like vLLM it lists its model and nothing else
 * ({@link #vllm}); like llama.cpp server it may also name its GGUF file on /props ({@link #llamaCpp}).
 */
final class BareOpenAiServer implements AutoCloseable {
    private final HttpServer server;

    static BareOpenAiServer vllm(String model) throws IOException {
        return new BareOpenAiServer(model, null);
    }

    static BareOpenAiServer llamaCpp(String model, String modelPath) throws IOException {
        return new BareOpenAiServer(model, modelPath);
    }

    private BareOpenAiServer(String model, String modelPath) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body;
            int status = 200;
            if (path.equals("/v1/models")) {
                body = "{\"object\":\"list\",\"data\":[{\"id\":\"" + model + "\",\"object\":\"model\",\"root\":\""
                        + model + "\"}]}";
            } else if (path.equals("/props") && modelPath != null) {
                body = "{\"total_slots\":1,\"model_path\":\"" + modelPath + "\"}";
            } else {
                status = 404;
                body = "{\"detail\":\"Not Found\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
