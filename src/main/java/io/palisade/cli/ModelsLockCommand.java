package io.palisade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.config.DeploymentConfig;
import io.palisade.config.LockFile;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.Pin;
import io.palisade.lifecycle.GgufDigests;
import io.palisade.lifecycle.PinnedDeployment;
import io.palisade.lifecycle.ServedPins;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code palisade models lock}: writes what every deployment serves now into the lock file
 * ({@code routing.pins.lock_file}), so a fresh clone demands exactly today's weights. Refuses, writing
 * nothing, when a deployment cannot say what it serves, unless {@code --skip-unverifiable}.
 * {@code --check} writes nothing and exits 1 when the pins in effect (config and lock file) are not
 * what is served now, or a deployment has none: the CI gate.
 */
@Command(
        name = "lock",
        description =
                "Write the digests served now into the lock file (--check: only compare, exit 1 on any difference).")
final class ModelsLockCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ConfigOption config;

    @Option(
            names = "--check",
            description = "Write nothing; exit 1 when any deployment serves something other than its pin, or has none.")
    boolean check;

    @Option(
            names = "--skip-unverifiable",
            description = "Lock the rest when some deployments cannot say what they serve"
                    + " (they keep the pin they have, if any).")
    boolean skipUnverifiable;

    @Override
    public Integer call() {
        PalisadeConfig loaded = config.load();
        List<PinnedDeployment> deployments = PinnedDeployment.all(loaded);
        if (deployments.isEmpty()) {
            System.out.println("no models are configured under models:, so there is nothing to lock");
            return 0;
        }
        ServedPins.Snapshot snapshot;
        try (ConfiguredBackends backends = new ConfiguredBackends(loaded)) {
            snapshot = new ServedPins(new GgufDigests()).collect(loaded, backends.byName());
        }
        for (ServedPins.Unlockable unlockable : snapshot.unlockable()) {
            System.out.println((skipUnverifiable ? "skipped " : "cannot lock ") + unlockable.model() + " "
                    + unlockable.deployment() + ": " + unlockable.reason());
        }
        if (!snapshot.unlockable().isEmpty() && !skipUnverifiable) {
            throw new CliException(
                    (check ? "cannot check " : "nothing written: ")
                            + snapshot.unlockable().size()
                            + " deployment(s) cannot report what they serve (--skip-unverifiable "
                            + (check ? "checks" : "locks") + " the rest)",
                    PalisadeCommand.EXIT_FAILURE);
        }
        return check ? check(deployments, snapshot) : write(loaded, deployments, snapshot);
    }

    private int write(PalisadeConfig loaded, List<PinnedDeployment> deployments, ServedPins.Snapshot snapshot) {
        List<LockFile.Entry> entries = new ArrayList<>();
        for (PinnedDeployment pinned : deployments) {
            Optional<LockFile.Entry> served = entryFor(snapshot, pinned);
            DeploymentConfig deployment = pinned.deployment();
            if (served.isPresent()) {
                entries.add(served.get());
            } else if (deployment.pin() != null) {
                // Skipped: keep the pin it has, so a backend that is down today does not lose its pin.
                entries.add(new LockFile.Entry(
                        pinned.model(),
                        deployment.id(),
                        deployment.backend(),
                        deployment.upstreamModel(),
                        deployment.pin()));
            }
        }
        Path file = loaded.routing().lockFile();
        try {
            LockFile.write(file, entries, Clock.systemUTC().instant());
        } catch (IOException e) {
            throw new CliException(
                    "cannot write the lock file " + file + ": " + e.getMessage(), PalisadeCommand.EXIT_FAILURE);
        }
        System.out.println("wrote " + file.toAbsolutePath() + " (" + entries.size() + " deployment(s)):");
        ObjectNode table = JSON.createObjectNode();
        ArrayNode rows = table.putArray("data");
        for (LockFile.Entry entry : entries) {
            rows.addObject()
                    .put("model", entry.model())
                    .put("deployment", entry.deployment())
                    .put("kind", entry.pin().kind().name().toLowerCase(Locale.ROOT))
                    .put("value", ModelsCommand.abbreviated(entry.pin().value()))
                    .put(
                            "file",
                            entry.pin().file() == null
                                    ? null
                                    : entry.pin().file().toString());
        }
        TablePrinter.print(table, false, System.out, "model", "deployment", "kind", "value", "file");
        return 0;
    }

    private int check(List<PinnedDeployment> deployments, ServedPins.Snapshot snapshot) {
        List<String> differences = new ArrayList<>();
        int agreeing = 0;
        for (PinnedDeployment pinned : deployments) {
            Optional<LockFile.Entry> served = entryFor(snapshot, pinned);
            if (served.isEmpty()) {
                continue;
            }
            Pin inEffect = pinned.deployment().pin();
            Pin now = served.get().pin();
            String name = pinned.model() + " " + pinned.deployment().id();
            if (inEffect == null) {
                differences.add("not locked: " + name + " serves " + describe(now));
            } else if (!inEffect.sameAs(now)) {
                differences.add(
                        "drifted: " + name + " is pinned to " + describe(inEffect) + " but serves " + describe(now));
            } else {
                agreeing++;
            }
        }
        differences.forEach(System.out::println);
        if (differences.isEmpty()) {
            System.out.println("OK: all " + agreeing
                    + " checked deployment(s) serve their pin (from the config or the lock file)");
            return 0;
        }
        System.out.println("OUT OF DATE: " + differences.size() + " deployment(s) differ from their pin"
                + " (run palisade models lock after checking the change was intended)");
        return PalisadeCommand.EXIT_FAILURE;
    }

    private static Optional<LockFile.Entry> entryFor(ServedPins.Snapshot snapshot, PinnedDeployment pinned) {
        return snapshot.entries().stream()
                .filter(e -> e.model().equals(pinned.model())
                        && e.deployment().equals(pinned.deployment().id()))
                .findFirst();
    }

    private static String describe(Pin pin) {
        return pin.kind().name().toLowerCase(Locale.ROOT) + " " + ModelsCommand.abbreviated(pin.value())
                + (pin.file() == null ? "" : " (" + pin.file() + ")");
    }
}
