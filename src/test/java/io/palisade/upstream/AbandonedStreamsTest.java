package io.palisade.upstream;

import static io.palisade.upstream.FakeBackend.chunk;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.config.BackendConfig;
import io.palisade.config.BackendKind;
import io.palisade.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream whose caller went away is given up at once, its connection closed: draining it for the
 * pool (up to {@value ResponseBody#DRAIN_MILLIS} ms) would hold the request thread while the backend
 * goes on generating. A stream that ended properly is drained and its connection reused.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AbandonedStreamsTest {
    private static final String SSE_HEAD =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final String NDJSON_HEAD =
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final String OLLAMA_LINE = "{\"model\":\"m\",\"created_at\":\"2026-01-01T00:00:00Z\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"a\"},\"done\":false}\n";

    @AutoClose
    private final UpstreamFixture fixture = new UpstreamFixture();

    @Test
    void anOpenAiStreamTheCallerLeftIsClosedWithoutWaitingForMore() throws Exception {
        // One event, then silence: a drain would wait out its whole time limit.
        FakeBackend backend = fixture.backend((connection, index) -> {
            while (connection.read() != null) {
                connection.write(SSE_HEAD + chunk("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"));
                fixture.testOver.await(60, TimeUnit.SECONDS);
            }
        });
        Backend openAi = backend(BackendKind.OPENAI, backend.url());

        assertLeftPromptly(openAi, backend);
    }

    @Test
    void anOllamaStreamTheCallerLeftIsClosedWithoutWaitingForMore() throws Exception {
        FakeBackend backend = fixture.backend((connection, index) -> {
            while (connection.read() != null) {
                connection.write(NDJSON_HEAD + chunk(OLLAMA_LINE));
                fixture.testOver.await(60, TimeUnit.SECONDS);
            }
        });
        Backend ollama = backend(BackendKind.OLLAMA, backend.url());

        assertLeftPromptly(ollama, backend);
    }

    @Test
    void aStreamThatEndedProperlyIsDrainedAndItsConnectionReused() throws Exception {
        String stream = SSE_HEAD + chunk("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n")
                + chunk("data: [DONE]\n\n") + "0\r\n\r\n";
        FakeBackend backend = fixture.backend((connection, index) -> connection.answerAll(stream));
        Backend openAi = backend(BackendKind.OPENAI, backend.url());

        for (int i = 0; i < 3; i++) {
            RecordingSink sink = new RecordingSink();
            StreamOutcome outcome = openAi.stream(call(), sink);
            assertThat(outcome.error()).isNull();
            assertThat(sink.events()).hasSize(1);
        }
        assertThat(backend.connections()).isEqualTo(1);
    }

    /**
     * Several streams, each left by its caller at the first event: a drain takes at least its time
     * limit every time (the backend sends nothing more), so the fastest must be quicker than that.
     */
    private void assertLeftPromptly(Backend streaming, FakeBackend backend) throws Exception {
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            List<String> events = new ArrayList<>();
            long[] leftAt = new long[1];
            StreamOutcome outcome = streaming.stream(call(), new EventSink() {
                @Override
                public void event(String data) throws IOException {
                    events.add(data);
                    leftAt[0] = System.nanoTime();
                    throw new IOException("the caller hung up");
                }

                @Override
                public boolean started() {
                    return !events.isEmpty();
                }
            });
            fastest = Math.min(fastest, System.nanoTime() - leftAt[0]);
            assertThat(outcome.callerGone()).isTrue();
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(fastest))
                .as("ms from the caller leaving to the stream's end")
                .isLessThan(ResponseBody.DRAIN_MILLIS);
        assertThat(backend.connections())
                .as("a left stream's connection is not reused")
                .isEqualTo(5);
    }

    private Backend backend(BackendKind kind, URI url) {
        BackendConfig config = new BackendConfig("test", kind, url, Secret.empty(), false, UpstreamFixture.GENEROUS);
        return new BackendFactory(fixture.watchdog(), fixture.json, Clock.systemUTC()).create(config);
    }

    private UpstreamCall call() {
        ObjectNode body = fixture.json.createObjectNode().put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return new UpstreamCall(Operation.CHAT, body, "m", "m", "req-abandon", null);
    }
}
