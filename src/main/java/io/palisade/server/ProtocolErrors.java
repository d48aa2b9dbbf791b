package io.palisade.server;

import io.palisade.error.ErrorCode;
import io.palisade.error.PalisadeException;

/**
 * The API's error for each status Jetty refuses a request with before any route runs. A status
 * without a code of its own falls back to the nearest general one (400 for the caller's fault,
 * 500 otherwise), and that is the status answered, so the JSON and the audit say the same.
 */
final class ProtocolErrors {
    private ProtocolErrors() {}

    static PalisadeException of(int status) {
        return switch (status) {
            case 408 -> new PalisadeException(ErrorCode.REQUEST_TIMEOUT, "the request was not received in time");
            case 413 -> new PalisadeException(ErrorCode.PAYLOAD_TOO_LARGE, "the request is too large");
            case 414 -> new PalisadeException(ErrorCode.URI_TOO_LONG, "the request URI is too long");
            case 431 -> new PalisadeException(ErrorCode.HEADERS_TOO_LARGE, "the request headers are too large");
            case 505 ->
                new PalisadeException(ErrorCode.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1 are served");
            default ->
                status >= 500 && status != 501
                        ? new PalisadeException(ErrorCode.INTERNAL, "the request could not be processed")
                        : new PalisadeException(
                                ErrorCode.INVALID_REQUEST,
                                "the request is not valid HTTP: its request line, headers, URI or"
                                        + " body framing is malformed");
        };
    }
}
