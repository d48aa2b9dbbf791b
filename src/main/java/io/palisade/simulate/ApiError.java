package io.palisade.simulate;

/**
 * A request that is answered with an HTTP error instead of a result. Dialect-neutral: the
 * {@link Dialect} decides how it looks on the wire. The OpenAI fields ({@code type}, {@code param},
 * {@code code}) are simply unused by the Ollama shape.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    ApiError(int status, String message, String type, String param, String code) {
        // No stack trace: these are expected answers, not bugs, and are created on hot paths.
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    static ApiError badRequest(String message, String param) {
        return new ApiError(400, message, "invalid_request_error", param, null);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    /** The request field at fault, or null. */
    String param() {
        return param;
    }

    /** A machine-readable error code, or null. */
    String code() {
        return code;
    }
}
