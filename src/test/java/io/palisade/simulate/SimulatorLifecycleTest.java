package io.palisade.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatorLifecycleTest {

    @Test
    void bindsARandomPortAndReportsItsBaseUrl() {
        try (Simulator simulator = TestClient.startSimulator(SimulatorConfig.defaults())) {
            assertThat(simulator.port()).isPositive();
            assertThat(simulator.baseUrl()).isEqualTo("http://127.0.0.1:" + simulator.port());
            assertThat(new TestClient(simulator.baseUrl()).get("/health").statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void recordsEveryRequestWithLowerCasedHeadersNewestLast() {
        try (Simulator simulator = TestClient.startSimulator(SimulatorConfig.defaults())) {
            var client = new TestClient(simulator.baseUrl());
            client.get("/api/tags", "X-Trace-Id", "abc");
            String body = "{\"model\":\"llama3.2:1b\",\"prompt\":\"hi\",\"stream\":false}";
            client.post("/api/generate", body, "Authorization", "Bearer secret");
            client.get("/no/such/route");

            var requests = simulator.requests();
            assertThat(requests)
                    .extracting(RecordedRequest::path)
                    .containsExactly("/api/tags", "/api/generate", "/no/such/route");
            assertThat(requests.get(0).method()).isEqualTo("GET");
            assertThat(requests.get(0).headers()).containsEntry("x-trace-id", "abc");
            assertThat(requests.get(0).header("X-Trace-ID")).isEqualTo("abc");
            assertThat(requests.get(1).method()).isEqualTo("POST");
            assertThat(requests.get(1).body()).isEqualTo(body);
            assertThat(requests.get(1).headers()).containsEntry("authorization", "Bearer secret");
            assertThat(requests.get(1).headers().keySet()).allMatch(name -> name.equals(name.toLowerCase(Locale.ROOT)));

            simulator.clearRequests();
            assertThat(simulator.requests()).isEmpty();
        }
    }

    @Test
    void journalKeepsOnlyTheLastThousand() {
        var journal = new RequestJournal(1000);
        for (int i = 0; i < 1005; i++) {
            journal.record(new RecordedRequest("GET", "/" + i, Map.of(), ""));
        }

        var snapshot = journal.snapshot();
        assertThat(snapshot).hasSize(1000);
        assertThat(snapshot.getFirst().path()).isEqualTo("/5");
        assertThat(snapshot.getLast().path()).isEqualTo("/1004");
    }

    @Test
    void startsOnceAndCannotRestartAfterClose() {
        var simulator = new Simulator(SimulatorConfig.defaults().withPort(0));
        assertThatThrownBy(simulator::port).isInstanceOf(IllegalStateException.class);

        simulator.start();
        assertThatThrownBy(simulator::start).isInstanceOf(IllegalStateException.class);
        simulator.close();
        simulator.close();
        assertThatThrownBy(simulator::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void digestOverrideRequiresAServedModelAndADigest() {
        var simulator = new Simulator(SimulatorConfig.defaults());

        assertThatThrownBy(() -> simulator.setModelDigest("nope", "abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> simulator.setModelDigest("llama3.2:1b", " "))
                .isInstanceOf(IllegalArgumentException.class);
        simulator.setModelDigest("nomic-embed-text:latest", "f".repeat(64));
    }
}
