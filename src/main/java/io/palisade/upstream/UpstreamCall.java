package io.palisade.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One admitted request on its way to a backend. {@code body} is the caller's request as sent
 * (backends copy it before changing anything); {@code publicModel} is the name the caller used;
 * {@code traceparent} joins the backend's spans to the caller's trace.
 */
public record UpstreamCall(
        Operation operation,
        ObjectNode body,
        String publicModel,
        String upstreamModel,
        String requestId,
        String traceparent) {
    /** Headers every backend request carries besides the request id: the W3C trace context. */
    public java.util.Map<String, String> headers() {
        return traceparent == null ? java.util.Map.of() : java.util.Map.of("traceparent", traceparent);
    }

    public boolean stream() {
        return body.path("stream").asBoolean(false);
    }

    /** Whether the caller itself asked for a usage chunk at the end of the stream. */
    public boolean callerWantsStreamUsage() {
        return body.path("stream_options").path("include_usage").asBoolean(false);
    }
}
