package io.palisade.upstream;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The status line and headers of one HTTP/1.x response, header names lower-cased and repeated
 * headers joined with ", " (RFC 9110 §5.3), which is all the body framing and the keep-alive
 * decision need. Immutable.
 */
record ResponseHead(int status, boolean http10, Map<String, String> headers) {
    /** Bound on the status line and headers together, interim (1xx) answers included. */
    static final int MAX_HEAD_BYTES = 64 * 1024;

    /**
     * Reads the final response head, skipping interim 1xx answers (100 Continue, 103 Early Hints).
     *
     * @throws ConnectionClosedException when the backend closes the connection before or inside the head
     * @throws MalformedAnswerException when the head is not HTTP/1.x or is larger than {@link #MAX_HEAD_BYTES}
     */
    static ResponseHead read(ConnectionInput input) throws IOException {
        String tooLarge = "its response head is larger than " + MAX_HEAD_BYTES / 1024 + " KiB";
        int budget = MAX_HEAD_BYTES;
        while (true) {
            String statusLine = input.readLine(Math.max(budget, 0), tooLarge);
            if (statusLine == null) {
                throw new ConnectionClosedException("the backend closed the connection before answering");
            }
            budget -= statusLine.length() + 2;
            boolean http10 = statusLine.startsWith("HTTP/1.0 ");
            if (!http10 && !statusLine.startsWith("HTTP/1.1 ")) {
                throw new MalformedAnswerException("its status line is not HTTP/1.1");
            }
            int status = statusCode(statusLine);
            Map<String, String> headers = new HashMap<>();
            while (true) {
                String line = input.readLine(Math.max(budget, 0), tooLarge);
                if (line == null) {
                    throw new ConnectionClosedException("the backend closed the connection inside the response head");
                }
                budget -= line.length() + 2;
                if (budget < 0) {
                    throw new MalformedAnswerException(tooLarge);
                }
                if (line.isEmpty()) {
                    break;
                }
                addHeader(headers, line);
            }
            if (status == 101) {
                throw new MalformedAnswerException("it switched protocols");
            }
            if (status >= 200) {
                return new ResponseHead(status, http10, Collections.unmodifiableMap(headers));
            }
        }
    }

    /** The header's value (repeats joined), or null. {@code name} must be lower case. */
    String header(String name) {
        return headers.get(name);
    }

    /** Whether the connection may carry another exchange as far as this answer is concerned. */
    boolean keepAlive() {
        String connection = header("connection");
        return http10 ? hasToken(connection, "keep-alive") : !hasToken(connection, "close");
    }

    /** Whether the body is chunked: chunked is the final transfer coding (RFC 9112 §6.3). */
    boolean chunked() {
        String encoding = header("transfer-encoding");
        if (encoding == null) {
            return false;
        }
        int comma = encoding.lastIndexOf(',');
        return encoding.substring(comma + 1).trim().equalsIgnoreCase("chunked");
    }

    /** The declared body length, or -1 when there is none. */
    long contentLength() throws MalformedAnswerException {
        String value = header("content-length");
        if (value == null) {
            return -1;
        }
        long length = -1;
        // Limit 0 drops trailing empty elements, as it always did here: "5," still reads as 5.
        for (String part : value.split(",", 0)) {
            long parsed = parseLength(part.trim());
            if (length >= 0 && parsed != length) {
                throw new MalformedAnswerException("it declared conflicting Content-Length values");
            }
            length = parsed;
        }
        return length;
    }

    private static long parseLength(String digits) throws MalformedAnswerException {
        if (digits.isEmpty() || digits.length() > 18) {
            throw new MalformedAnswerException("its Content-Length is not a number");
        }
        long length = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedAnswerException("its Content-Length is not a number");
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    private static int statusCode(String statusLine) throws MalformedAnswerException {
        // "HTTP/1.1 200 OK"; the reason phrase, and the space before it, may be missing.
        if (statusLine.length() < 12 || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw new MalformedAnswerException("its status line is malformed");
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = statusLine.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedAnswerException("its status line is malformed");
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100) {
            throw new MalformedAnswerException("its status line is malformed");
        }
        return status;
    }

    private static void addHeader(Map<String, String> headers, String line) throws MalformedAnswerException {
        int colon = line.indexOf(':');
        if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
            // Covers obsolete line folding too, which RFC 9112 §5.2 lets a client reject.
            throw new MalformedAnswerException("it sent a malformed header line");
        }
        String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).strip();
        headers.merge(name, value, (first, second) -> first + ", " + second);
    }

    private static boolean hasToken(String list, String token) {
        if (list == null) {
            return false;
        }
        for (String part : list.split(",", -1)) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
