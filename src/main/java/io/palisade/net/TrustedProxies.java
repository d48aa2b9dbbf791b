package io.palisade.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The proxies whose {@code X-Forwarded-For} is believed ({@code server.trusted_proxies}), and the
 * rule that finds a request's client address with them. Each proxy appends the address it received
 * the request from, so only the entries to the right of the first untrusted hop were written by
 * proxies we run; anything further left is whatever the client chose to send. The walk therefore
 * starts at the socket peer and goes right to left, skipping trusted proxies, and stops at the
 * first address that is not one: that is the client. A peer that is not trusted is the client,
 * whatever the header says. Immutable and thread-safe.
 */
public final class TrustedProxies {
    private static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<AddressRange> ranges;

    private TrustedProxies(List<AddressRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** Trusts nobody: the client address is always the socket peer (the default). */
    public static TrustedProxies none() {
        return NONE;
    }

    public static TrustedProxies of(List<AddressRange> ranges) {
        return ranges.isEmpty() ? NONE : new TrustedProxies(ranges);
    }

    public List<AddressRange> ranges() {
        return ranges;
    }

    public boolean trusts(InetAddress address) {
        for (AddressRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client address of a request from {@code peer} carrying {@code forwardedFor} (every
     * {@code X-Forwarded-For} header line, in the order received). A malformed entry ends the walk
     * at the last hop that could be read: nothing a client wrote is recorded unparsed.
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (ranges.isEmpty()) {
            return peer;
        }
        Optional<InetAddress> peerAddress = IpAddresses.parse(peer);
        if (peerAddress.isEmpty() || !trusts(peerAddress.get()) || forwardedFor.isEmpty()) {
            return peerAddress.map(InetAddress::getHostAddress).orElse(peer);
        }
        List<String> hops = new ArrayList<>();
        for (String line : forwardedFor) {
            for (String hop : line.split(",", -1)) {
                hops.add(hop);
            }
        }
        InetAddress client = peerAddress.get();
        for (int i = hops.size() - 1; i >= 0 && trusts(client); i--) {
            Optional<InetAddress> hop = IpAddresses.parse(hops.get(i));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get();
        }
        return client.getHostAddress();
    }

    @Override
    public String toString() {
        return ranges.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrustedProxies proxies && proxies.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return ranges.hashCode();
    }
}
