package io.palisade.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.error.PalisadeException;
import java.util.List;

/**
 * A model server behind Palisade, spoken to in its own protocol but exposed in OpenAI's shape.
 * Failures before any answer is sent throw {@link io.palisade.error.PalisadeException} with an
 * upstream error code that names the backend and never its secrets. Thread-safe.
 */
public interface Backend {
    String name();

    UpstreamAnswer call(UpstreamCall call);

    /** Relays the answer as it arrives; never buffers the whole answer. */
    StreamOutcome stream(UpstreamCall call, EventSink sink);

    /** The models the backend serves right now (its own names). */
    List<String> listModels() throws Exception;

    /**
     * Why this backend cannot honour {@code request} as asked, as the caller's
     * {@code invalid_request_error} naming the field (e.g. {@code n: 2} on Ollama); null when it can.
     * A backend refuses what it would otherwise have to drop silently. Pure and cheap: admission asks
     * every deployment of the requested model before consuming any limit.
     */
    default PalisadeException refusal(ObjectNode request) {
        return null;
    }

    /** The model's family as the backend reports it ("llama", "qwen3"), or null when it cannot say. */
    default String family(String upstreamModel) {
        return null;
    }

    /**
     * Frees the model's memory on the backend if the backend supports it, and says whether it is
     * confirmed unloaded. Backends that cannot unload report {@code supported = false}.
     */
    default Unload unload(String upstreamModel) {
        return new Unload(false, false, "this backend kind cannot unload models");
    }

    /**
     * What the backend serves under {@code upstreamModel} right now, as far as it can say (for
     * pinned digests). Throws {@link io.palisade.error.PalisadeException} when the backend could not
     * be asked (unreachable, timed out, an error status), and one with
     * {@link io.palisade.error.ErrorCode#MODEL_NOT_FOUND} when the backend positively says it does
     * not serve that model. Backends that cannot identify their weights return all-null fields.
     */
    default ServedModel served(String upstreamModel) throws Exception {
        return ServedModel.unreported("backend '" + name() + "' cannot report what it serves");
    }

    /** The outcome of {@link #unload}. */
    record Unload(boolean supported, boolean confirmed, String detail) {}
}
