package io.palisade.server;

/**
 * Every failure Palisade reports to a caller, with its HTTP status and the error kind.
 *
 * <p>{@link #code()} is also the reason code written to the audit trail for a denial, so the
 * audit vocabulary and the API vocabulary are one and the same. Dialect renderers (OpenAI today)
 * map {@link #type()} onto their own error shape.
 */
public enum ErrorCode {
    INVALID_JSON(400, "invalid_request_error", "invalid_json"),
    INVALID_REQUEST(400, "invalid_request_error", "invalid_request"),
    MISSING_API_KEY(401, "authentication_error", "missing_api_key"),
    INVALID_API_KEY(401, "authentication_error", "invalid_api_key"),
    KEY_REVOKED(401, "authentication_error", "key_revoked"),
    KEY_EXPIRED(401, "authentication_error", "key_expired"),
    USER_NOT_ACTIVE(401, "authentication_error", "user_not_active"),
    PROMPT_TOO_LONG(400, "invalid_request_error", "prompt_too_long"),
    OUTPUT_CAP_EXCEEDED(400, "invalid_request_error", "output_cap_exceeded"),
    REQUEST_EXCEEDS_LIMIT(400, "invalid_request_error", "request_exceeds_limit"),
    MODEL_ACCESS_DENIED(403, "permission_error", "model_access_denied"),
    ADMIN_REQUIRED(403, "permission_error", "admin_required"),
    MODEL_NOT_FOUND(404, "invalid_request_error", "model_not_found"),
    NOT_FOUND(404, "invalid_request_error", "not_found"),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed"),
    REQUEST_TIMEOUT(408, "invalid_request_error", "request_timeout"),
    CONFLICT(409, "invalid_request_error", "conflict"),
    PAYLOAD_TOO_LARGE(413, "invalid_request_error", "payload_too_large"),
    URI_TOO_LONG(414, "invalid_request_error", "uri_too_long"),
    UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error", "unsupported_media_type"),
    RATE_LIMITED(429, "rate_limit_error", "rate_limited"),
    TOKENS_RATE_LIMITED(429, "rate_limit_error", "tokens_rate_limited"),
    CONCURRENCY_LIMITED(429, "rate_limit_error", "concurrency_limited"),
    HEADERS_TOO_LARGE(431, "invalid_request_error", "headers_too_large"),
    BUDGET_EXCEEDED(429, "insufficient_quota", "budget_exceeded"),
    INTERNAL(500, "server_error", "internal_error"),
    UPSTREAM_UNREACHABLE(502, "upstream_error", "upstream_unreachable"),
    UPSTREAM_BAD_RESPONSE(502, "upstream_error", "upstream_bad_response"),
    UPSTREAM_UNAVAILABLE(503, "upstream_error", "upstream_unavailable"),
    AUDIT_UNAVAILABLE(503, "server_error", "audit_unavailable"),
    LIMITS_UNAVAILABLE(503, "server_error", "limits_unavailable"),
    UPSTREAM_TIMEOUT(504, "upstream_error", "upstream_timeout"),
    HTTP_VERSION_NOT_SUPPORTED(505, "invalid_request_error", "http_version_not_supported");

    private final int status;
    private final String type;
    private final String code;

    ErrorCode(int status, String type, String code) {
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }
}
