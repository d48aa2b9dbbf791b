package io.palisade.error;

/**
 * Every failure Palisade reports to a caller, with its HTTP status and the error kind.
 *
 * <p>{@link #code()} is also the reason code written to the audit trail for a denial, so the
 * audit vocabulary and the API vocabulary are one and the same. Dialect renderers (OpenAI today)
 * map {@link #type()} onto their own error shape.
 */
public enum ErrorCode {
    INVALID_JSON(400, Type.INVALID_REQUEST, "invalid_json"),
    INVALID_REQUEST(400, Type.INVALID_REQUEST, "invalid_request"),
    MISSING_API_KEY(401, Type.AUTHENTICATION, "missing_api_key"),
    INVALID_API_KEY(401, Type.AUTHENTICATION, "invalid_api_key"),
    KEY_REVOKED(401, Type.AUTHENTICATION, "key_revoked"),
    KEY_EXPIRED(401, Type.AUTHENTICATION, "key_expired"),
    USER_NOT_ACTIVE(401, Type.AUTHENTICATION, "user_not_active"),
    PROMPT_TOO_LONG(400, Type.INVALID_REQUEST, "prompt_too_long"),
    OUTPUT_CAP_EXCEEDED(400, Type.INVALID_REQUEST, "output_cap_exceeded"),
    REQUEST_EXCEEDS_LIMIT(400, Type.INVALID_REQUEST, "request_exceeds_limit"),
    MODEL_ACCESS_DENIED(403, Type.PERMISSION, "model_access_denied"),
    ADMIN_REQUIRED(403, Type.PERMISSION, "admin_required"),
    CLIENT_CERTIFICATE_REQUIRED(403, Type.PERMISSION, "client_certificate_required"),
    MODEL_NOT_FOUND(404, Type.INVALID_REQUEST, "model_not_found"),
    NOT_FOUND(404, Type.INVALID_REQUEST, "not_found"),
    METHOD_NOT_ALLOWED(405, Type.INVALID_REQUEST, "method_not_allowed"),
    REQUEST_TIMEOUT(408, Type.INVALID_REQUEST, "request_timeout"),
    CONFLICT(409, Type.INVALID_REQUEST, "conflict"),
    PAYLOAD_TOO_LARGE(413, Type.INVALID_REQUEST, "payload_too_large"),
    URI_TOO_LONG(414, Type.INVALID_REQUEST, "uri_too_long"),
    UNSUPPORTED_MEDIA_TYPE(415, Type.INVALID_REQUEST, "unsupported_media_type"),
    RATE_LIMITED(429, Type.RATE_LIMIT, "rate_limited"),
    TOKENS_RATE_LIMITED(429, Type.RATE_LIMIT, "tokens_rate_limited"),
    CONCURRENCY_LIMITED(429, Type.RATE_LIMIT, "concurrency_limited"),
    HEADERS_TOO_LARGE(431, Type.INVALID_REQUEST, "headers_too_large"),
    BUDGET_EXCEEDED(429, Type.INSUFFICIENT_QUOTA, "budget_exceeded"),
    INTERNAL(500, Type.SERVER, "internal_error"),
    UPSTREAM_UNREACHABLE(502, Type.UPSTREAM, "upstream_unreachable"),
    UPSTREAM_BAD_RESPONSE(502, Type.UPSTREAM, "upstream_bad_response"),
    UPSTREAM_UNAVAILABLE(503, Type.UPSTREAM, "upstream_unavailable"),
    AUDIT_UNAVAILABLE(503, Type.SERVER, "audit_unavailable"),
    LIMITS_UNAVAILABLE(503, Type.SERVER, "limits_unavailable"),
    UPSTREAM_TIMEOUT(504, Type.UPSTREAM, "upstream_timeout"),
    HTTP_VERSION_NOT_SUPPORTED(505, Type.INVALID_REQUEST, "http_version_not_supported");

    /**
     * The kind of an error, what callers branch on. {@link #wireName()} is the OpenAI spelling, which
     * OpenAI-style clients match on; logic compares the constant, never the spelling.
     */
    public enum Type {
        INVALID_REQUEST("invalid_request_error"),
        AUTHENTICATION("authentication_error"),
        PERMISSION("permission_error"),
        RATE_LIMIT("rate_limit_error"),
        INSUFFICIENT_QUOTA("insufficient_quota"),
        SERVER("server_error"),
        UPSTREAM("upstream_error");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private final int status;
    private final Type type;
    private final String code;

    ErrorCode(int status, Type type, String code) {
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public Type type() {
        return type;
    }

    public String code() {
        return code;
    }
}
