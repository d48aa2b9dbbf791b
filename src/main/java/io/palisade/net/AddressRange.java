package io.palisade.net;

import java.net.InetAddress;

/**
 * One entry of {@code server.trusted_proxies}: an IP address or a CIDR block, IPv4 or IPv6.
 * An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) is the IPv4 address, as the JDK reads it.
 * Immutable and thread-safe.
 */
public final class AddressRange {
    private final byte[] network;
    private final int prefixLength;
    private final String text;

    private AddressRange(byte[] network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /** Parses {@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code fd00::/8} or {@code ::1}. */
    public static AddressRange parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress address = IpAddresses.parse(addressText)
                .filter(parsed -> !addressText.startsWith("[") && !addressText.contains("]"))
                .orElseThrow(() -> new IllegalArgumentException(
                        "expected an IP address or CIDR block such as 10.0.0.0/8 or fd00::/8, got '" + trimmed + "'"));
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = trimmed.substring(slash + 1);
            if (length.isEmpty()
                    || length.length() > 3
                    || !length.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException(
                        "'" + trimmed + "': the prefix length must be a number from 0 to " + bits);
            }
            prefix = Integer.parseInt(length);
        }
        return new AddressRange(mask(bytes, prefix), prefix, trimmed);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && java.util.Arrays.equals(mask(bytes, prefixLength), network);
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange range
                && range.prefixLength == prefixLength
                && java.util.Arrays.equals(range.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
