package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.palisade.build.BuildInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code palisade --version} and {@code palisade health}, the image's HEALTHCHECK. */
class HealthAndVersionTest {
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health/live", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/health/ready", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void theVersionNamesTheReleaseTheCommitTheBuildDateAndTheJava() {
        CliRun run = CliRun.of("--version");

        BuildInfo build = BuildInfo.current();
        assertThat(run.exit()).isZero();
        assertThat(run.out().lines())
                .containsExactly(
                        "palisade " + build.version(),
                        "commit " + build.commit(),
                        "built " + build.buildDate(),
                        "java " + Runtime.version());
        assertThat(build.version()).isNotEqualTo(BuildInfo.UNKNOWN);
    }

    @Test
    void aHealthyEndpointExitsZero() {
        CliRun run = CliRun.of("health", "--url", url("/health/live"));

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("healthy").contains("200");
    }

    @Test
    void anUnhealthyEndpointExitsOneAndSaysWhy() {
        CliRun run = CliRun.of("health", "--url", url("/health/ready"));

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("unhealthy").contains("answered 503");
    }

    @Test
    void nothingListeningExitsOne() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        CliRun run = CliRun.of("health", "--url", "http://127.0.0.1:" + closedPort + "/health/live");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("did not answer");
    }

    @Test
    void aUrlThatIsNotHttpIsAUsageError() {
        CliRun run = CliRun.of("health", "--url", "ftp://127.0.0.1/health");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--url must be an http(s) URL");
    }
}
