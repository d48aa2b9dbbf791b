package io.palisade.upstream;

import java.io.IOException;

/**
 * Where a backend relays a stream: one call per server-sent event, in OpenAI's chunk shape. The
 * first call commits the response (status 200, event-stream headers) to the caller, so a backend
 * must report failures by exception before its first call and through {@link StreamOutcome} after.
 * An {@link IOException} means the caller went away. Not thread-safe: one stream, one thread.
 */
public interface EventSink {
    void event(String data) throws IOException;

    /** True once the first event has been sent (the HTTP status can no longer change). */
    boolean started();
}
