package io.palisade.upstream;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One request to a backend: {@code body} is null for a GET; {@code headers} are sent in their
 * iteration order, after {@code Host} and {@code Content-Length}, which the transport owns.
 * Immutable as long as the caller does not change the body array.
 */
record UpstreamRequest(String method, URI uri, Map<String, String> headers, byte[] body) {
    // The framing and connection headers are the transport's; a caller setting them could split a request.
    private static final Set<String> TRANSPORT_HEADERS =
            Set.of("host", "content-length", "transfer-encoding", "connection", "keep-alive", "expect", "upgrade", "te", "trailer");

    /**
     * The request line and headers as HTTP/1.1 puts them on the wire; {@code host} is the
     * {@code Host} header's value. The target is the URI's path (or "/") with its query.
     *
     * @throws IllegalArgumentException for a header the transport owns, or a name or value that
     *                                  would break the request (CR, LF, NUL, not a token)
     */
    byte[] http1Head(String host) {
        StringBuilder head = new StringBuilder(256);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        head.append(method).append(' ').append(path);
        if (uri.getRawQuery() != null) {
            head.append('?').append(uri.getRawQuery());
        }
        head.append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        headers.forEach((name, value) -> {
            if (!isToken(name) || TRANSPORT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header name not allowed: " + name);
            }
            if (!isFieldValue(value)) {
                throw new IllegalArgumentException("header value not allowed for " + name);
            }
            head.append(name).append(": ").append(value).append("\r\n");
        });
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean token = c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
            if (!token) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 32 && c != '\t') || c == 127 || c > 255) {
                return false;
            }
        }
        return true;
    }
}
