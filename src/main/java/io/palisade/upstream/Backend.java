package io.palisade.upstream;

import java.util.List;

/**
 * A model server behind Palisade, spoken to in its own protocol but exposed in OpenAI's shape.
 * Failures before any answer is sent throw {@link io.palisade.server.PalisadeException} with an
 * upstream error code that names the backend and never its secrets. Thread-safe.
 */
public interface Backend {
    String name();

    UpstreamAnswer call(UpstreamCall call);

    /** Relays the answer as it arrives; never buffers the whole answer. */
    StreamOutcome stream(UpstreamCall call, EventSink sink);

    /** The models the backend serves right now (its own names). */
    List<String> listModels() throws Exception;
}
