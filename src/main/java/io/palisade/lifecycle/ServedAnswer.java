package io.palisade.lifecycle;

import io.palisade.error.PalisadeException;
import io.palisade.upstream.Backend;
import io.palisade.upstream.ServedModel;

/**
 * What asking a backend what it serves came to: its {@link ServedModel}, or why there is none.
 * {@code failure} is null when the backend answered; {@code notServed} means it positively does not
 * serve the model. {@code problem} is always safe to show: it is either a {@link PalisadeException}
 * message (worded by the upstream layer to name the backend, never its URL or key) or our own.
 */
record ServedAnswer(ServedModel served, PinCheck.Status failure, boolean notServed, String problem) {

    static ServedAnswer ask(String backendName, Backend backend, String upstreamModel) {
        if (backend == null) {
            return new ServedAnswer(
                    null, PinCheck.Status.UNREACHABLE, false, "no backend named '" + backendName + "' is configured");
        }
        try {
            ServedModel served = backend.served(upstreamModel);
            if (served == null) {
                return new ServedAnswer(
                        null, PinCheck.Status.UNVERIFIABLE, false, "backend '" + backendName + "' said nothing");
            }
            return new ServedAnswer(served, null, false, null);
        } catch (PalisadeException e) {
            return switch (e.code()) {
                case MODEL_NOT_FOUND -> new ServedAnswer(null, PinCheck.Status.DRIFTED, true, e.getMessage());
                case UPSTREAM_UNREACHABLE, UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE ->
                    new ServedAnswer(null, PinCheck.Status.UNREACHABLE, false, e.getMessage());
                default -> new ServedAnswer(null, PinCheck.Status.UNVERIFIABLE, false, e.getMessage());
            };
        } catch (Exception e) {
            // Foreign exception messages may quote the URL (and credentials in it): name only the kind of failure.
            return new ServedAnswer(
                    null,
                    PinCheck.Status.UNVERIFIABLE,
                    false,
                    "backend '" + backendName + "' could not be asked what it serves ("
                            + e.getClass().getSimpleName() + ")");
        }
    }

    boolean answered() {
        return failure == null;
    }
}
