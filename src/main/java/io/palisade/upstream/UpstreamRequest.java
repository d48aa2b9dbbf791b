package io.palisade.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One request to a backend. {@code path} (with any query) is joined to the backend URL's path;
 * {@code body} is null for a GET. The headers after {@code Host} and {@code Content-Length}, which
 * the transport owns, are, in order: {@code Content-Type} (with a body), {@code X-Request-Id}, the
 * caller's {@code extraHeaders}, and {@code Authorization} when {@code authorization} is not null
 * (the backend's key, "Bearer …", built once per backend). Immutable as long as the caller does
 * not change the body array.
 *
 * <p>Construction throws {@link IllegalArgumentException} for an extra header whose name is not a
 * token or is one the transport or this request owns.
 */
// The body stays a byte[]: it is written to the socket as is on the hot path, and requests are never compared.
@SuppressWarnings("ArrayRecordComponent")
record UpstreamRequest(
        String method,
        String path,
        String requestId,
        Map<String, String> extraHeaders,
        String authorization,
        byte[] body) {
    // A caller setting the framing or connection headers could split a request; the others are this request's own.
    private static final Set<String> RESERVED = Set.of(
            "host",
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "expect",
            "upgrade",
            "te",
            "trailer",
            "content-type",
            "x-request-id",
            "authorization");

    UpstreamRequest {
        extraHeaders.keySet().forEach(UpstreamRequest::checkExtraName);
    }

    /** Every header after {@code Host} and {@code Content-Length}, in the order they are sent. */
    void forEachHeader(BiConsumer<String, String> action) {
        if (body != null) {
            action.accept("Content-Type", "application/json");
        }
        action.accept("X-Request-Id", requestId);
        extraHeaders.forEach(action);
        if (authorization != null) {
            action.accept("Authorization", authorization);
        }
    }

    /**
     * The request line and headers as HTTP/1.1 puts them on the wire; {@code host} is the
     * {@code Host} header's value, {@code basePath} the backend URL's raw path ("" for none).
     *
     * @throws IllegalArgumentException for a header value that would break the request (CR, LF, NUL)
     */
    byte[] http1Head(String host, String basePath) {
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ');
        if (basePath.isEmpty() && path.isEmpty()) {
            head.append('/');
        }
        head.append(basePath)
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append("\r\n");
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        // Names are fixed here or checked by the constructor; values may come from callers and config.
        forEachHeader((name, value) -> {
            if (!isFieldValue(value)) {
                throw new IllegalArgumentException("header value not allowed for " + name);
            }
            head.append(name).append(": ").append(value).append("\r\n");
        });
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void checkExtraName(String name) {
        if (!isToken(name) || RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header name not allowed: " + name);
        }
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
