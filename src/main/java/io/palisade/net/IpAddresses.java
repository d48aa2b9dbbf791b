package io.palisade.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Parses IP address literals (IPv4 dotted quads, IPv6 with or without brackets, either with a port)
 * without ever resolving a name: {@link InetAddress#getByName} looks up anything that is not a valid
 * literal in DNS, which a header value must never trigger.
 */
final class IpAddresses {
    private IpAddresses() {}

    /** The address written in {@code text}, or empty when it is not an IP literal. */
    static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String literal = text.trim();
        if (literal.startsWith("[")) {
            int close = literal.indexOf(']');
            if (close < 0 || !isPortSuffix(literal.substring(close + 1))) {
                return Optional.empty();
            }
            return ipv6(literal.substring(1, close));
        }
        int colon = literal.indexOf(':');
        if (colon >= 0 && colon == literal.lastIndexOf(':')) {
            // One colon: IPv4 with a port, as some proxies write it.
            return isPortSuffix(literal.substring(colon)) ? ipv4(literal.substring(0, colon)) : Optional.empty();
        }
        return colon >= 0 ? ipv6(literal) : ipv4(literal);
    }

    private static boolean isPortSuffix(String text) {
        if (text.isEmpty()) {
            return true;
        }
        if (text.charAt(0) != ':' || text.length() < 2 || text.length() > 6) {
            return false;
        }
        return text.substring(1).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static Optional<InetAddress> ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) value;
        }
        return address(bytes);
    }

    private static Optional<InetAddress> ipv6(String text) {
        // Hex digits, colons and an embedded IPv4 tail only: the JDK then parses it as a literal and
        // rejects it without a lookup if it is malformed. Zone ids (%eth0) are not client addresses.
        if (text.isEmpty()
                || text.length() > 45
                || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static Optional<InetAddress> address(byte[] bytes) {
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }
}
