package io.palisade.upstream;

import static io.palisade.upstream.FakeBackend.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.config.BackendConfig;
import io.palisade.config.BackendKind;
import io.palisade.config.Secret;
import java.net.URI;
import java.time.Clock;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The clients the factory builds for an OpenAI-compatible backend, with and without /v1 in its URL. */
class BackendFactoryTest {
    @AutoClose
    private final UpstreamFixture fixture = new UpstreamFixture();

    @Test
    void aUrlWithoutV1AsksTheServerRootOverTheSameConnections() throws Exception {
        FakeBackend backend = fixture.backend(
                (connection, index) -> connection.answerAll(json("{\"data\":[],\"model_sha\":\"abc\"}")));
        Backend openAi = factory().create(config(backend.url()));

        openAi.listModels();
        assertThat(openAi.served("m").revision()).isEqualTo("abc");

        assertThat(backend.requests())
                .extracting(FakeBackend.Request::line)
                .containsExactly("GET /v1/models HTTP/1.1", "GET /info HTTP/1.1", "GET /props HTTP/1.1");
        assertThat(backend.connections()).as("one client, one pool").isEqualTo(1);
    }

    @Test
    void aUrlEndingInV1AsksTheServerRootWithoutIt() throws Exception {
        FakeBackend backend = fixture.backend(
                (connection, index) -> connection.answerAll(json("{\"data\":[],\"model_sha\":\"abc\"}")));
        Backend openAi = factory().create(config(URI.create(backend.url() + "/v1")));

        openAi.listModels();
        assertThat(openAi.served("m").revision()).isEqualTo("abc");

        assertThat(backend.requests())
                .extracting(FakeBackend.Request::line)
                .containsExactly("GET /v1/models HTTP/1.1", "GET /info HTTP/1.1", "GET /props HTTP/1.1");
    }

    private BackendFactory factory() {
        return new BackendFactory(fixture.watchdog(), fixture.json, Clock.systemUTC());
    }

    private static BackendConfig config(URI url) {
        return new BackendConfig("test", BackendKind.OPENAI, url, Secret.empty(), false, UpstreamFixture.GENEROUS);
    }
}
