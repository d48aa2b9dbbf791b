package io.palisade.lifecycle;

import io.palisade.config.Pin;
import java.time.Instant;

/**
 * The outcome of checking one deployment against its pin. Values are in {@link Pin#normalise}d
 * form (lower case, no "sha256:"); {@code kind} and {@code expected} are null for an unpinned
 * deployment, {@code served} is null when nothing could be learnt. {@code detail} is for people and
 * never carries a backend's URL or key.
 *
 * @param model the public model name
 * @param deployment the deployment's id
 * @param upstreamModel the model's name on the backend
 */
public record PinCheck(
        String model,
        String deployment,
        String backend,
        String upstreamModel,
        Pin.Kind kind,
        Status status,
        String expected,
        String served,
        String detail,
        Instant checkedAt) {

    public enum Status {
        /** It serves exactly what it is pinned to. */
        MATCH,
        /** It serves something else, or no longer serves the model at all. */
        DRIFTED,
        /** No pin: nothing to compare ({@code served} still says what it serves, when known). */
        UNPINNED,
        /** The backend answered but cannot say what it serves in the pin's terms (vLLM has no revision; GGUF file unreadable here). */
        UNVERIFIABLE,
        /** The backend could not be asked (connection refused, timed out, overloaded). */
        UNREACHABLE
    }

    /** True when the deployment has a pin. */
    public boolean pinned() {
        return status != Status.UNPINNED;
    }

    /** True for a pinned deployment not confirmed to serve its pin: the cases {@code palisade models verify} fails on. */
    public boolean failed() {
        return status != Status.MATCH && status != Status.UNPINNED;
    }
}
