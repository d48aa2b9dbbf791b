package io.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client address the audit records, through real requests from 127.0.0.1 with X-Forwarded-For. */
class ForwardedForIntegrationTest {
    @Test
    void aForgedHeaderIsIgnoredWhenNoProxyIsTrusted(@TempDir Path dir) throws Exception {
        try (ListenerFixture gateway = ListenerFixture.start(dir, "", "http://127.0.0.1:9")) {
            gateway.send(gateway.request("/v1/forged", "pal_not_a_key").header("X-Forwarded-For", "6.6.6.6"));

            assertThat(clientOf(gateway, "/v1/forged")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void aForgedHeaderIsIgnoredFromAPeerThatIsNotATrustedProxy(@TempDir Path dir) throws Exception {
        try (ListenerFixture gateway =
                ListenerFixture.start(dir, "trusted_proxies: [10.0.0.0/8]", "http://127.0.0.1:9")) {
            gateway.send(gateway.request("/v1/forged", "pal_not_a_key").header("X-Forwarded-For", "6.6.6.6, 10.0.0.1"));

            assertThat(clientOf(gateway, "/v1/forged")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void aTrustedProxyChainResolvesTheClientAndMalformedEntriesDoNotCrash(@TempDir Path dir) throws Exception {
        try (ListenerFixture gateway =
                ListenerFixture.start(dir, "trusted_proxies: [127.0.0.1, \"203.0.113.0/24\"]", "http://127.0.0.1:9")) {
            // The client prepended a forged 6.6.6.6; the edge proxy 203.0.113.9 recorded the real client.
            gateway.send(gateway.request("/v1/chain", "pal_not_a_key")
                    .header("X-Forwarded-For", "6.6.6.6, 198.51.100.7, 203.0.113.9"));
            gateway.send(gateway.request("/v1/lines", "pal_not_a_key")
                    .header("X-Forwarded-For", "6.6.6.6")
                    .header("X-Forwarded-For", "2001:db8::7")
                    .header("X-Forwarded-For", "203.0.113.9"));
            int status = gateway.send(gateway.request("/v1/malformed", "pal_not_a_key")
                            .header("X-Forwarded-For", "198.51.100.7, not-an-address, 203.0.113.9"))
                    .statusCode();

            assertThat(status)
                    .as("a malformed header is no failure of the request")
                    .isEqualTo(401);
            assertThat(clientOf(gateway, "/v1/chain")).isEqualTo("198.51.100.7");
            assertThat(clientOf(gateway, "/v1/lines")).isEqualTo("2001:db8:0:0:0:0:0:7");
            assertThat(clientOf(gateway, "/v1/malformed"))
                    .as("the walk stops at the last hop it could read")
                    .isEqualTo("203.0.113.9");
        }
    }

    /** The client address recorded for the one request to {@code route} (audit rows may trail the answer by a commit). */
    private static String clientOf(ListenerFixture gateway, String route) throws Exception {
        List<JsonNode> matching = Await.value(
                Duration.ofSeconds(10),
                () -> {
                    List<JsonNode> found = new ArrayList<>();
                    JsonNode audit;
                    try {
                        audit = gateway.admin("GET", "/admin/audit?limit=1000", null);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(e);
                    }
                    audit.path("data").forEach(record -> {
                        if (route.equals(record.path("route").asText())) {
                            found.add(record);
                        }
                    });
                    return found;
                },
                found -> !found.isEmpty(),
                "the audit record of " + route);
        assertThat(matching).as("audit records of %s", route).hasSize(1);
        return matching.get(0).path("client").asText();
    }
}
