package io.palisade.lifecycle;

import io.palisade.config.DeploymentConfig;
import io.palisade.config.LockFile;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.Pin;
import io.palisade.upstream.Backend;
import io.palisade.upstream.ServedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every deployment serves right now, as lock file entries: the pins that would make a fresh
 * clone demand exactly today's weights ({@code palisade models lock}).
 *
 * <p>Per deployment, from what its backend reports: an Ollama digest; else, for a deployment pinned
 * to a GGUF file, the current SHA-256 of the file the server loaded (or of the pinned file when the
 * server does not say); else a revision (TGI); else the SHA-256 of the GGUF file the server names,
 * if that file is readable here. A deployment whose backend cannot be asked or reports none of these
 * cannot be locked; it is listed with the reason instead. In particular a llama.cpp deployment
 * without a GGUF pin can be locked only when its server reports {@code model_path} and the file is
 * on this host, and a vLLM deployment not at all (vLLM reports no revision).
 *
 * <p>Thread-safe; blocks on the backends and on hashing GGUF files.
 */
public final class ServedPins {
    /** A deployment whose pin could not be determined, and why (safe to show). */
    public record Unlockable(String model, String deployment, String backend, String reason) {}

    /** Every deployment's entry or reason, in config order (canaries after their model's deployments). */
    public record Snapshot(List<LockFile.Entry> entries, List<Unlockable> unlockable) {
        public Snapshot {
            entries = List.copyOf(entries);
            unlockable = List.copyOf(unlockable);
        }
    }

    private final GgufDigests ggufDigests;

    public ServedPins(GgufDigests ggufDigests) {
        this.ggufDigests = ggufDigests;
    }

    public Snapshot collect(PalisadeConfig config, Map<String, Backend> backends) {
        List<LockFile.Entry> entries = new ArrayList<>();
        List<Unlockable> unlockable = new ArrayList<>();
        for (PinnedDeployment pinned : PinnedDeployment.all(config)) {
            DeploymentConfig deployment = pinned.deployment();
            Outcome outcome = pinOf(deployment, backends.get(deployment.backend()));
            if (outcome.pin() != null) {
                entries.add(new LockFile.Entry(
                        pinned.model(),
                        deployment.id(),
                        deployment.backend(),
                        deployment.upstreamModel(),
                        outcome.pin()));
            } else {
                unlockable.add(new Unlockable(pinned.model(), deployment.id(), deployment.backend(), outcome.reason()));
            }
        }
        return new Snapshot(entries, unlockable);
    }

    private record Outcome(Pin pin, String reason) {}

    private Outcome pinOf(DeploymentConfig deployment, Backend backend) {
        ServedAnswer answer = ServedAnswer.ask(deployment.backend(), backend, deployment.upstreamModel());
        if (!answer.answered()) {
            return new Outcome(null, answer.problem());
        }
        ServedModel served = answer.served();
        if (served.digest() != null) {
            return new Outcome(new Pin(Pin.Kind.OLLAMA_DIGEST, served.digest(), null), null);
        }
        Pin current = deployment.pin();
        if (current != null && current.kind() == Pin.Kind.GGUF_SHA256) {
            return gguf(
                    served.file() != null ? Path.of(served.file()) : current.file(),
                    served.file() != null
                            ? "the backend reports loading it"
                            : "the backend does not say which file it loaded");
        }
        if (served.revision() != null) {
            return new Outcome(new Pin(Pin.Kind.REVISION, served.revision(), null), null);
        }
        if (served.file() != null) {
            return gguf(Path.of(served.file()), "the backend reports loading it");
        }
        return new Outcome(null, served.detail() + "; pin it by hand (a GGUF file: pin: {gguf_sha256: …, file: …})");
    }

    private Outcome gguf(Path file, String why) {
        try {
            return new Outcome(new Pin(Pin.Kind.GGUF_SHA256, ggufDigests.sha256(file), file), null);
        } catch (IOException e) {
            return new Outcome(
                    null,
                    "cannot read the GGUF file " + file + " (" + why + "; "
                            + e.getClass().getSimpleName()
                            + "): a GGUF file can only be locked on the host that holds it");
        }
    }
}
