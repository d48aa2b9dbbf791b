package io.palisade.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The main listener's address is a value from its bind on: known before any route or thread exists. */
class ListenerSocketTest {
    @Test
    void portZeroIsBoundAtOnceAndItsPortIsKnown() throws Exception {
        try (ListenerSocket socket = ListenerSocket.bind("127.0.0.1", 0, false)) {
            assertThat(socket.port()).isPositive();
            assertThat(socket.selfUrl()).isEqualTo(URI.create("http://127.0.0.1:" + socket.port()));
            // Bound and listening already: a connection is taken into the backlog before Jetty accepts.
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress("127.0.0.1", socket.port()), 5_000);
                assertThat(client.isConnected()).isTrue();
            }
        }
    }

    @Test
    void aWildcardBindIsReachedOnLoopback() {
        try (ListenerSocket socket = ListenerSocket.bind("0.0.0.0", 0, false)) {
            assertThat(socket.selfUrl()).isEqualTo(URI.create("http://127.0.0.1:" + socket.port()));
        }
    }

    @Test
    void aTakenPortFailsNamingTheAddressAndAClosedSocketIsReleased() {
        int port;
        try (ListenerSocket first = ListenerSocket.bind("127.0.0.1", 0, false)) {
            port = first.port();
            assertThatThrownBy(() -> ListenerSocket.bind("127.0.0.1", port, false))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + port + ": ");
        }
        try (ListenerSocket again = ListenerSocket.bind("127.0.0.1", port, false)) {
            assertThat(again.port()).isEqualTo(port);
        }
    }
}
