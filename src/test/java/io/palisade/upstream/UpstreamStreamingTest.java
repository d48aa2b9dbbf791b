package io.palisade.upstream;

import static io.palisade.upstream.FakeBackend.chunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.config.BackendConfig;
import io.palisade.config.BackendKind;
import io.palisade.config.Secret;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streams pass through as they arrive; many virtual threads share one client without crossed answers. */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpstreamStreamingTest {
    @AutoClose
    private final UpstreamFixture fixture = new UpstreamFixture();

    private FakeBackend backend;

    @Test
    void aStreamedEventReachesTheReaderBeforeTheBackendSendsTheNext() throws Exception {
        CountDownLatch firstEventRead = new CountDownLatch(1);
        AtomicBoolean restSent = new AtomicBoolean();
        backend = fixture.backend((connection, index) -> {
            connection.read();
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk("data: {\"n\":1}\n\n"));
            // Waits for the reader; if the client held the first event back, this gives up and the test fails below.
            firstEventRead.await(30, TimeUnit.SECONDS);
            restSent.set(true);
            connection.write(chunk("data: {\"n\":2}\n\n") + chunk("data: [DONE]\n\n") + "0\r\n\r\n");
        });
        UpstreamHttp http = fixture.http(backend.url());
        List<String> events = new ArrayList<>();

        try (UpstreamHttp.Exchange exchange =
                        http.post("/v1/chat/completions", "{}".getBytes(StandardCharsets.UTF_8), "r", Map.of());
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(exchange.body(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).isEqualTo("data: {\"n\":1}");
            assertThat(restSent)
                    .as("the first event arrived before the backend sent the rest")
                    .isFalse();
            firstEventRead.countDown();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isEmpty()) {
                    events.add(line);
                }
            }
        }
        assertThat(events).containsExactly("data: {\"n\":2}", "data: [DONE]");
    }

    @Test
    void manyVirtualThreadsShareOneClientWithoutCrossedAnswers() throws Exception {
        // Each answer echoes its request's id, in a framing that depends on the request.
        backend = fixture.backend((connection, index) -> {
            for (FakeBackend.Request request = connection.read(); request != null; request = connection.read()) {
                String id = request.headers().get("x-request-id");
                String body = "{\"id\":\"" + id + "\",\"pad\":\"" + "p".repeat(id.hashCode() & 0x3ff) + "\"}";
                if (id.hashCode() % 2 == 0) {
                    connection.write(FakeBackend.json(body));
                } else {
                    int half = body.length() / 2;
                    connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + chunk(body.substring(0, half)) + chunk(body.substring(half)) + "0\r\n\r\n");
                }
            }
        });
        UpstreamHttp http = fixture.http(backend.url());
        int callers = 64;
        int requestsEach = 25;

        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int caller = 0; caller < callers; caller++) {
                int number = caller;
                results.add(threads.submit(() -> {
                    int matched = 0;
                    for (int i = 0; i < requestsEach; i++) {
                        String id = "req-" + number + "-" + i;
                        try (UpstreamHttp.Exchange exchange =
                                http.post("/x", "{}".getBytes(StandardCharsets.UTF_8), id, Map.of())) {
                            if (http.readJson(exchange).path("id").asText().equals(id)) {
                                matched++;
                            }
                        }
                    }
                    return matched;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(120, TimeUnit.SECONDS)).isEqualTo(requestsEach);
            }
        }
        assertThat(backend.requests()).hasSize(callers * requestsEach);
        // A caller holds one connection at a time and every answer leaves its connection reusable, so
        // no more connections open than callers ever ran at once; the slack is for a drain that ran
        // out of time on a loaded machine.
        assertThat(backend.connections()).as("connections are reused").isLessThanOrEqualTo(callers + callers / 8);
    }

    @Test
    void callsAndStreamsAgainstTheSimulatorFromManyVirtualThreads() throws Exception {
        try (Simulator simulator = new Simulator(SimulatorConfig.defaults().withPort(0)).start()) {
            BackendConfig config = new BackendConfig(
                    "sim",
                    BackendKind.OPENAI,
                    URI.create(simulator.baseUrl()),
                    Secret.empty(),
                    false,
                    UpstreamFixture.GENEROUS);
            UpstreamHttp http = new UpstreamHttp(config, fixture.watchdog(), fixture.json);
            OpenAiBackend openAi = new OpenAiBackend(config, http, http, fixture.json);

            List<Future<String>> results = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int caller = 0; caller < 32; caller++) {
                    int number = caller;
                    results.add(threads.submit(() -> {
                        for (int i = 0; i < 10; i++) {
                            ObjectNode body = fixture.json.createObjectNode();
                            body.putArray("messages")
                                    .addObject()
                                    .put("role", "user")
                                    .put("content", "Say something, caller " + number);
                            body.put("max_tokens", 8);
                            UpstreamCall call = new UpstreamCall(
                                    Operation.CHAT, body, "public", "llama3.2:1b", "req-" + number + "-" + i, null);
                            if (i % 2 == 0) {
                                JsonNode answer = openAi.call(call).body();
                                if (answer.path("choices")
                                        .path(0)
                                        .path("message")
                                        .path("content")
                                        .asText()
                                        .isEmpty()) {
                                    return "empty answer";
                                }
                            } else {
                                body.put("stream", true);
                                RecordingSink sink = new RecordingSink();
                                StreamOutcome outcome = openAi.stream(call, sink);
                                if (outcome.error() != null
                                        || sink.events().isEmpty()
                                        || !outcome.usage().known()) {
                                    return "stream " + outcome + " with "
                                            + sink.events().size() + " events";
                                }
                            }
                        }
                        return "ok";
                    }));
                }
                for (Future<String> result : results) {
                    assertThat(result.get(150, TimeUnit.SECONDS)).isEqualTo("ok");
                }
            }
        }
    }
}
