package io.palisade.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private static TrustedProxies trusting(String... ranges) {
        return TrustedProxies.of(
                java.util.Arrays.stream(ranges).map(AddressRange::parse).toList());
    }

    @Test
    void withoutTrustedProxiesTheSocketPeerIsTheClientWhateverTheHeaderSays() {
        assertThat(TrustedProxies.none().clientAddress("198.51.100.7", List.of("1.2.3.4")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void aForgedHeaderFromAnUntrustedPeerIsIgnored() {
        TrustedProxies proxies = trusting("10.0.0.0/8");
        assertThat(proxies.clientAddress("198.51.100.7", List.of("1.2.3.4, 10.0.0.1")))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void theWalkGoesRightToLeftSkippingTrustedProxiesAndStopsAtTheFirstUntrustedHop() {
        TrustedProxies proxies = trusting("10.0.0.0/8", "192.168.0.0/16");
        // The client forged "6.6.6.6"; its real address 203.0.113.9 was appended by the edge proxy 192.168.1.1,
        // which the inner proxy 10.0.0.2 appended, which connected to us.
        assertThat(proxies.clientAddress("10.0.0.2", List.of("6.6.6.6, 203.0.113.9, 192.168.1.1")))
                .isEqualTo("203.0.113.9");
        // Several header lines are one list, in order.
        assertThat(proxies.clientAddress("10.0.0.2", List.of("6.6.6.6", "203.0.113.9", "192.168.1.1")))
                .isEqualTo("203.0.113.9");
        // A trusted peer that forwards nothing is itself the client.
        assertThat(proxies.clientAddress("10.0.0.2", List.of())).isEqualTo("10.0.0.2");
        // Every hop trusted: the leftmost is the client (traffic from inside).
        assertThat(proxies.clientAddress("10.0.0.2", List.of("192.168.7.7, 10.1.1.1")))
                .isEqualTo("192.168.7.7");
    }

    @Test
    void ipv6PeersHopsAndRangesWork() {
        TrustedProxies proxies = trusting("fd00::/8", "::1");
        assertThat(proxies.clientAddress("0:0:0:0:0:0:0:1", List.of("2001:db8::7, fd12::1")))
                .isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(proxies.clientAddress("[::1]", List.of("[2001:db8::8]:4711")))
                .isEqualTo("2001:db8:0:0:0:0:0:8");
        assertThat(proxies.clientAddress("::1", List.of("203.0.113.5:1234"))).isEqualTo("203.0.113.5");
        assertThat(trusting("10.0.0.0/8").clientAddress("::ffff:10.1.2.3", List.of("203.0.113.5")))
                .isEqualTo("203.0.113.5");
    }

    @Test
    void malformedEntriesEndTheWalkAtTheLastHopThatCouldBeReadAndNeverCrash() {
        TrustedProxies proxies = trusting("10.0.0.0/8");
        for (String garbage : List.of(
                "unknown",
                "",
                " ",
                "evil.example.com",
                "1.2.3.4.5",
                "999.1.1.1",
                "1.2.3",
                "::g",
                "[::1",
                "[::1]x",
                "1.2.3.4:99999999",
                "<script>",
                "%00",
                "fe80::1%eth0",
                "0x7f.1.1.1",
                ",,,")) {
            assertThat(proxies.clientAddress("10.0.0.2", List.of("6.6.6.6, " + garbage + ", 10.0.0.9")))
                    .as("X-Forwarded-For with '%s'", garbage)
                    .isEqualTo("10.0.0.9");
        }
        assertThat(proxies.clientAddress("10.0.0.2", List.of("x".repeat(8000)))).isEqualTo("10.0.0.2");
    }

    @Test
    void rangesMatchTheirPrefixOnly() {
        AddressRange range = AddressRange.parse("192.168.4.0/22");
        assertThat(IpAddresses.parse("192.168.7.255").map(range::contains)).contains(true);
        assertThat(IpAddresses.parse("192.168.8.0").map(range::contains)).contains(false);
        assertThat(IpAddresses.parse("::ffff:192.168.5.1").map(range::contains)).contains(true);
        assertThat(IpAddresses.parse("fd00::1").map(range::contains)).contains(false);
        assertThat(IpAddresses.parse("8.8.8.8").map(AddressRange.parse("0.0.0.0/0")::contains))
                .contains(true);
        assertThat(IpAddresses.parse("2001:db8::1").map(AddressRange.parse("2001:db8::/32")::contains))
                .contains(true);
        assertThat(IpAddresses.parse("2001:db9::1").map(AddressRange.parse("2001:db8::/32")::contains))
                .contains(false);
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/-1")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> AddressRange.parse("::/129")).hasMessageContaining("from 0 to 128");
        assertThatThrownBy(() -> AddressRange.parse("localhost")).hasMessageContaining("expected an IP address");
    }
}
