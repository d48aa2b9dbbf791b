package io.palisade.simulate;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as the simulator received it. Immutable.
 *
 * @param method HTTP method, upper case
 * @param path request path without the query string
 * @param headers header names lower-cased; repeated headers joined with {@code ", "}
 * @param body the request body as text, empty when there was none
 */
public record RecordedRequest(String method, String path, Map<String, String> headers, String body) {

    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    /** The value of a header, looked up case-insensitively, or null when absent. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
