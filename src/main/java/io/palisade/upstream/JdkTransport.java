package io.palisade.upstream;

import io.palisade.config.Timeouts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The JDK's {@link HttpClient}, for {@code https://} backends: TLS (handshakes, certificates,
 * session resumption) is what it does well and what a hand-written client should not attempt.
 * It costs a selector thread, a worker pool and a hand-off each way per request, which a remote
 * TLS backend's own latency dwarfs. Thread-safe.
 */
final class JdkTransport implements UpstreamTransport {
    private final HttpClient client;
    private final String baseUrl;

    JdkTransport(URI backendUrl, Timeouts timeouts) {
        this.baseUrl = backendUrl.toString();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeouts.connect())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Response send(UpstreamRequest request, ExchangeDeadline deadline) throws IOException, InterruptedException {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(baseUrl + request.path())).timeout(deadline.firstByteLimit());
        request.forEachHeader(builder::header);
        builder.method(
                request.method(),
                request.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        // The client's own request timeout bounds the wait for the head; the deadline cuts the body.
        HttpResponse<InputStream> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        deadline.answered();
        return new Response() {
            @Override
            public int status() {
                return response.statusCode();
            }

            @Override
            public InputStream body() {
                return response.body();
            }

            @Override
            public void abort() {
                try {
                    response.body().close();
                } catch (IOException ignored) {
                    // closing is how the deadline is enforced; a failure to close changes nothing
                }
            }
        };
    }
}
