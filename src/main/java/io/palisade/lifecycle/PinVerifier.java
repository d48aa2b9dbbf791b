package io.palisade.lifecycle;

import io.palisade.config.DeploymentConfig;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.Pin;
import io.palisade.upstream.Backend;
import io.palisade.upstream.ServedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Checks that a deployment serves what it is pinned to, by asking its backend ({@link Backend#served})
 * and, for GGUF pins, hashing the pinned file itself.
 *
 * <ul>
 *   <li>{@code ollama_digest}: the digest Ollama lists for the model must equal the pin; a model the
 *       backend no longer serves has drifted.</li>
 *   <li>{@code revision}: the revision the server reports (TGI's {@code model_sha}) must equal the
 *       pin; a server that reports none (vLLM) makes the pin unverifiable, not drifted.</li>
 *   <li>{@code gguf_sha256}: the pinned file's SHA-256 must equal the pin (hashed through
 *       {@link GgufDigests}, so an unchanged file is not read again), and when the server names the
 *       file it loaded ({@code model_path}) that must be the pinned file.</li>
 * </ul>
 *
 * <p>Thread-safe; a check blocks for the backend's answer (bounded by its connect and first-byte
 * timeouts) and, the first time, for hashing a GGUF file.
 */
public final class PinVerifier {
    private final GgufDigests ggufDigests;
    private final Clock clock;

    public PinVerifier(GgufDigests ggufDigests, Clock clock) {
        this.ggufDigests = ggufDigests;
        this.clock = clock;
    }

    /** Checks every deployment of every configured model, canaries included, in config order. */
    public List<PinCheck> verifyAll(PalisadeConfig config, Map<String, Backend> backends) {
        return PinnedDeployment.all(config).stream()
                .map(d -> verify(
                        d.model(), d.deployment(), backends.get(d.deployment().backend())))
                .toList();
    }

    /** Checks one deployment of {@code model}; {@code backend} is the one the deployment names (null if missing). */
    public PinCheck verify(String model, DeploymentConfig deployment, Backend backend) {
        Pin pin = deployment.pin();
        if (pin != null && pin.kind() == Pin.Kind.GGUF_SHA256) {
            return verifyGguf(model, deployment, backend, pin);
        }
        ServedAnswer answer = ServedAnswer.ask(deployment.backend(), backend, deployment.upstreamModel());
        if (pin == null) {
            return unpinned(model, deployment, answer);
        }
        if (!answer.answered()) {
            return check(
                    model,
                    deployment,
                    pin,
                    answer.failure(),
                    null,
                    answer.notServed() ? answer.problem() + "; the pinned model is gone" : answer.problem());
        }
        ServedModel served = answer.served();
        String value = pin.kind() == Pin.Kind.OLLAMA_DIGEST ? served.digest() : served.revision();
        if (value == null) {
            return check(model, deployment, pin, PinCheck.Status.UNVERIFIABLE, null, served.detail());
        }
        return pin.matches(value)
                ? check(model, deployment, pin, PinCheck.Status.MATCH, value, served.detail())
                : check(
                        model,
                        deployment,
                        pin,
                        PinCheck.Status.DRIFTED,
                        value,
                        served.detail() + "; the pin expects another");
    }

    private PinCheck verifyGguf(String model, DeploymentConfig deployment, Backend backend, Pin pin) {
        String hash;
        try {
            hash = ggufDigests.sha256(pin.file());
        } catch (IOException e) {
            return check(
                    model,
                    deployment,
                    pin,
                    PinCheck.Status.UNVERIFIABLE,
                    null,
                    "cannot read the pinned GGUF file " + pin.file() + " ("
                            + e.getClass().getSimpleName()
                            + "); GGUF pins are checked on the host that holds the file");
        }
        if (!pin.matches(hash)) {
            return check(
                    model,
                    deployment,
                    pin,
                    PinCheck.Status.DRIFTED,
                    hash,
                    "the file " + pin.file() + " has other contents than pinned");
        }
        ServedAnswer answer = ServedAnswer.ask(deployment.backend(), backend, deployment.upstreamModel());
        if (!answer.answered()) {
            return check(
                    model, deployment, pin, answer.failure(), hash, "the file's hash matches, but " + answer.problem());
        }
        String loaded = answer.served().file();
        if (loaded == null) {
            return check(
                    model,
                    deployment,
                    pin,
                    PinCheck.Status.MATCH,
                    hash,
                    "the file's hash matches; the backend does not say which file it loaded");
        }
        if (!samePath(Path.of(loaded), pin.file())) {
            return check(
                    model,
                    deployment,
                    pin,
                    PinCheck.Status.DRIFTED,
                    hash,
                    "the backend loaded " + loaded + ", not the pinned " + pin.file());
        }
        return check(
                model,
                deployment,
                pin,
                PinCheck.Status.MATCH,
                hash,
                "the file's hash matches and the backend loaded that file");
    }

    private PinCheck unpinned(String model, DeploymentConfig deployment, ServedAnswer answer) {
        if (!answer.answered()) {
            return check(model, deployment, null, PinCheck.Status.UNPINNED, null, answer.problem());
        }
        ServedModel served = answer.served();
        String value = served.digest() != null
                ? served.digest()
                : served.revision() != null ? served.revision() : served.file();
        return check(model, deployment, null, PinCheck.Status.UNPINNED, value, served.detail());
    }

    private PinCheck check(
            String model, DeploymentConfig deployment, Pin pin, PinCheck.Status status, String served, String detail) {
        String shown = served == null || looksLikeFile(served) ? served : Pin.normalise(served);
        return new PinCheck(
                model,
                deployment.id(),
                deployment.backend(),
                deployment.upstreamModel(),
                pin == null ? null : pin.kind(),
                status,
                pin == null ? null : pin.value(),
                shown,
                detail,
                clock.instant());
    }

    /** A file path keeps its case; digests and revisions are shown normalised. */
    private static boolean looksLikeFile(String value) {
        return value.contains("/") || value.contains("\\");
    }

    static boolean samePath(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
