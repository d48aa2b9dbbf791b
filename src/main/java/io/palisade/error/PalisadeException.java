package io.palisade.error;

import java.util.Map;

/**
 * The one exception type a caller ever sees. Its message is user-facing: it must never carry a
 * secret, a stack trace or an internal class name. {@code param} names the offending request
 * field when there is one; {@code headers} carries extras such as {@code Retry-After}. A subclass
 * may carry facts for the gateway's own decisions (the backend's status in
 * {@code UpstreamStatusException}); it is rendered exactly as this class is.
 */
public class PalisadeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String param;
    // Exceptions are never serialized here (no RMI, no Java serialization anywhere): transient keeps lint honest.
    private final transient Map<String, String> headers;
    private final String limit;

    public PalisadeException(ErrorCode code, String message) {
        this(code, message, null, Map.of());
    }

    public PalisadeException(ErrorCode code, String message, String param) {
        this(code, message, param, Map.of());
    }

    public PalisadeException(ErrorCode code, String message, String param, Map<String, String> headers) {
        this(code, message, param, headers, null);
    }

    /** {@code limit} names the limit that refused the request ("team ml: 5000 tokens per minute"), for the audit. */
    public PalisadeException(ErrorCode code, String message, String param, Map<String, String> headers, String limit) {
        super(message, null, false, false);
        this.code = code;
        this.param = param;
        this.headers = Map.copyOf(headers);
        this.limit = limit;
    }

    public ErrorCode code() {
        return code;
    }

    public String param() {
        return param;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String limit() {
        return limit;
    }
}
