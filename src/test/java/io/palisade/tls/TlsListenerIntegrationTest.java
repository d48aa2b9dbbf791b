package io.palisade.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.Await;
import io.palisade.Palisade;
import io.palisade.config.ConfigLoader;
import io.palisade.simulate.Simulator;
import io.palisade.simulate.SimulatorConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener over TLS, from outside with the JDK's clients and a CA generated for the test:
 * HTTPS and HTTP/2, streams over HTTP/2 under short read deadlines, reload of changed files without
 * dropping open connections (and never of a certificate and key that do not match), and client
 * certificates for the admin API.
 */
class TlsListenerIntegrationTest {
    private static final String ADMIN_KEY = "pal_tls_test_admin_key_long_enough";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = """
            {"model":"m","stream":true,"messages":[{"role":"user","content":"tell me a long story"}]}""";

    private final TestCertificates.Authority authority = TestCertificates.Authority.create("Palisade Test CA");

    private static Palisade start(Path dir, String tlsSettings, String serverSettings, String backendUrl) {
        String yaml = """
                server: {port: 0, tls: {certificate: server.pem, key: server.key%s}%s}
                store: {url: "sqlite:%s"}
                admin: {key: "%s"}
                backends:
                  - {name: sim, kind: openai, url: "%s/v1", discover_models: false, timeouts: {connect: 1s, first_byte: 10s, total: 30s}}
                models:
                  - {name: m, backend: sim, upstream_model: "qwen3:0.6b"}
                """.formatted(tlsSettings, serverSettings, dir.resolve("palisade.db"), ADMIN_KEY, backendUrl);
        return Palisade.start(new ConfigLoader(Map.of()).parse(yaml, dir), Clock.systemUTC());
    }

    private TestCertificates.Issued writeServerFiles(Path dir, String keyType) {
        TestCertificates.Issued server = authority.server(keyType);
        TestCertificates.writeTraditionalKey(
                dir.resolve("server.key"), server.keys().getPrivate());
        TestCertificates.writeCertificates(dir.resolve("server.pem"), server.certificate(), authority.certificate());
        return server;
    }

    private static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder()
                .sslContext(context)
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static HttpRequest.Builder request(Palisade palisade, String path, String key) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + palisade.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String userKey(HttpClient client, Palisade palisade, String email) throws Exception {
        HttpResponse<String> user = send(
                client,
                request(palisade, "/admin/users", ADMIN_KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}")));
        assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
        HttpResponse<String> key = send(
                client,
                request(palisade, "/admin/keys", ADMIN_KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"user\":\"" + email + "\",\"label\":\"test\",\"allowed_models\":[\"m\"]}")));
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        return JSON.readTree(key.body()).path("key").asText();
    }

    /** The serial of the certificate a new connection is served. */
    private static BigInteger servedSerial(SSLContext context, int port) {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void servesHttpsAndHttp2WithStreamsThatOutliveTheReadDeadlines(@TempDir Path dir) throws Exception {
        // 24 tokens at 4 a second: a stream of about 6 s, three times the read deadlines (2 s, long enough
        // for a cold JVM's first handshake on a busy machine).
        SimulatorConfig slow = SimulatorConfig.defaults().withPort(0).withTokensPerSecond(4);
        writeServerFiles(dir, "EC");
        try (Simulator simulator = new Simulator(slow).start();
                Palisade palisade = start(
                        dir, "", ", header_timeout: 2s, body_read_timeout: 2s, idle_timeout: 2s", simulator.baseUrl());
                HttpClient client = client(TestCertificates.clientContext(authority, null))) {
            HttpResponse<String> live = send(client, request(palisade, "/health/live", ADMIN_KEY));
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.version()).isEqualTo(HttpClient.Version.HTTP_2);
            String key = userKey(client, palisade, "streamer@example.com");

            long started = System.nanoTime();
            CompletableFuture<HttpResponse<String>> stream = client.sendAsync(
                    request(palisade, "/v1/chat/completions", key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(STREAM))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            // Other requests end on the same HTTP/2 connection while the stream runs: none of them may
            // arm the connection's header deadline under the stream.
            for (int i = 0; i < 3; i++) {
                assertThat(send(client, request(palisade, "/v1/models", key)).statusCode())
                        .isEqualTo(200);
            }
            HttpResponse<String> answer = stream.get();

            assertThat(answer.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("data: [DONE]");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("the stream lasted longer than every timeout")
                    .isGreaterThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void reloadsChangedFilesWithoutDroppingOpenConnectionsAndNeverAMismatchedPair(@TempDir Path dir) throws Exception {
        SimulatorConfig slow = SimulatorConfig.defaults().withPort(0).withTokensPerSecond(6);
        TestCertificates.Issued first = writeServerFiles(dir, "RSA");
        SSLContext trusting = TestCertificates.clientContext(authority, null);
        try (Simulator simulator = new Simulator(slow).start();
                Palisade palisade = start(dir, ", reload_interval: 100ms", "", simulator.baseUrl());
                HttpClient client = client(trusting)) {
            String key = userKey(client, palisade, "reader@example.com");
            assertThat(servedSerial(trusting, palisade.port())).isEqualTo(first.serial());

            try (SSLSocket open = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", palisade.port())) {
                OutputStream out = open.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                                + "\r\nContent-Type: application/json\r\nContent-Length: "
                                + STREAM.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + STREAM)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).startsWith("HTTP/1.1 200");
                while (!in.readLine().startsWith("data: ")) {
                    // headers and the first chunk's size line; the stream has begun
                }

                // A new certificate whose key is not in the key file (a half-done renewal): never served.
                TestCertificates.Issued renewed = authority.server("RSA");
                TestCertificates.writeCertificates(dir.resolve("server.pem"), renewed.certificate());
                palisade.reloadConfig("test");
                assertThat(servedSerial(trusting, palisade.port()))
                        .as("a certificate without its key is not swapped in")
                        .isEqualTo(first.serial());
                assertThat(scrape(client, palisade)).contains("palisade_tls_reloads_total{outcome=\"rejected\"} 1.0");

                // Its key arrives: the watch swaps the pair in for new connections.
                TestCertificates.writeTraditionalKey(
                        dir.resolve("server.key"), renewed.keys().getPrivate());
                Await.until(
                        Duration.ofSeconds(10),
                        () -> servedSerial(trusting, palisade.port()).equals(renewed.serial()),
                        "new connections are served the renewed certificate");
                String metrics = scrape(client, palisade);
                assertThat(metrics).contains("palisade_tls_reloads_total{outcome=\"applied\"} 1.0");
                assertThat(metrics.lines()
                                .filter(l -> l.startsWith("palisade_tls_certificate_expiry_seconds "))
                                .map(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
                                .findFirst())
                        .contains((double)
                                renewed.certificate().getNotAfter().toInstant().getEpochSecond());

                // The stream that was in flight on the old connection carries on to its end.
                String line;
                boolean done = false;
                while ((line = in.readLine()) != null && !done) {
                    done = line.equals("data: [DONE]");
                }
                assertThat(done).as("the open stream ended normally").isTrue();
                assertThat(((X509Certificate) open.getSession().getPeerCertificates()[0]).getSerialNumber())
                        .isEqualTo(first.serial());
            }
        }
    }

    private static String scrape(HttpClient client, Palisade palisade) throws Exception {
        HttpResponse<String> metrics = send(client, request(palisade, "/metrics", ADMIN_KEY));
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body();
    }

    @Test
    void theAdminApiRequiresAVerifiedClientCertificateAndTheModelApiDoesNot(@TempDir Path dir) throws Exception {
        writeServerFiles(dir, "EC");
        TestCertificates.Authority clients = TestCertificates.Authority.create("Palisade Test Client CA");
        TestCertificates.writeCertificates(dir.resolve("clients.pem"), clients.certificate());
        TestCertificates.Authority stranger = TestCertificates.Authority.create("Someone Else's CA");
        try (Simulator simulator = new Simulator(SimulatorConfig.defaults().withPort(0)).start();
                Palisade palisade =
                        start(dir, ", client_ca: clients.pem, admin_client_auth: required", "", simulator.baseUrl());
                HttpClient withCertificate =
                        client(TestCertificates.clientContext(authority, clients.client("operator")));
                HttpClient without = client(TestCertificates.clientContext(authority, null));
                HttpClient withStrangersCertificate =
                        client(TestCertificates.clientContext(authority, stranger.client("intruder")))) {
            HttpResponse<String> refused = send(without, request(palisade, "/admin/keys", ADMIN_KEY));
            assertThat(refused.statusCode()).isEqualTo(403);
            JsonNode error = JSON.readTree(refused.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("client_certificate_required");
            assertThat(error.path("type").asText()).isEqualTo("permission_error");

            assertThat(send(withCertificate, request(palisade, "/admin/keys", ADMIN_KEY))
                            .statusCode())
                    .isEqualTo(200);

            // A certificate from another CA: the JDK's client does not offer it to a server that asks for
            // this CA's, other clients fail the handshake; either way no admin answer.
            try {
                assertThat(send(withStrangersCertificate, request(palisade, "/admin/keys", ADMIN_KEY))
                                .statusCode())
                        .isEqualTo(403);
            } catch (IOException handshakeRefused) {
                assertThat(handshakeRefused).isInstanceOf(javax.net.ssl.SSLException.class);
            }

            String key = userKey(withCertificate, palisade, "caller@example.com");
            HttpResponse<String> models = send(without, request(palisade, "/v1/models", key));
            assertThat(models.statusCode())
                    .as("the model API needs no client certificate")
                    .isEqualTo(200);

            // The refusals are audited like any other, and admin actions name the certificate's holder.
            JsonNode[] audit = new JsonNode[1];
            Await.until(
                    Duration.ofSeconds(10),
                    () -> {
                        try {
                            audit[0] = JSON.readTree(
                                    send(withCertificate, request(palisade, "/admin/audit?limit=1000", ADMIN_KEY))
                                            .body());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return audit[0].toString().contains("client_certificate_required");
                    },
                    "the refusal in the audit");
        }
    }

    @Test
    void h2cOnCleartextWhenAskedFor(@TempDir Path dir) throws Exception {
        String yaml = """
                server: {port: 0, h2c: true}
                store: {url: "sqlite:%s"}
                admin: {key: "%s"}
                backends: []
                """.formatted(dir.resolve("palisade.db"), ADMIN_KEY);
        try (Palisade palisade = Palisade.start(new ConfigLoader(Map.of()).parse(yaml, dir), Clock.systemUTC())) {
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            try {
                HttpResponse<String> live = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + palisade.port() + "/health/live"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(live.statusCode()).isEqualTo(200);
                assertThat(live.version()).isEqualTo(HttpClient.Version.HTTP_2);
            } finally {
                // Its connection closed before the server stops: a graceful stop waits for open HTTP/2
                // connections to close after its GOAWAY, and this test is not about how clients answer that.
                client.shutdownNow();
                assertThat(client.awaitTermination(Duration.ofSeconds(10))).isTrue();
            }
        }
    }
}
