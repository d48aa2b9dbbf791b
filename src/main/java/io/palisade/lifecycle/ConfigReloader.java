package io.palisade.lifecycle;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.audit.AuditTrail;
import io.palisade.config.ConfigException;
import io.palisade.config.ConfigSource;
import io.palisade.config.PalisadeConfig;
import io.palisade.config.ReloadResult;
import io.palisade.metrics.LifecycleMetrics;
import io.palisade.routing.ModelCatalog;
import io.palisade.upstream.Backend;
import io.palisade.upstream.BackendFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config without a restart (file change, SIGHUP or the admin API). The new file is
 * loaded and validated in full first; if anything is wrong the old config keeps serving and the
 * error is returned, logged, audited and counted. Otherwise backends, models, deployments,
 * canaries, fallbacks and routing settings are swapped in at once: requests and streams already
 * running keep the deployment and backend client they hold, so nothing in flight is dropped.
 * Settings that shape the process itself (listener, store, audit, limits, admin key, logging,
 * metrics, health, tracing, discovery) are reported as needing a restart and keep their values.
 * A reload asks no backend anything and so never waits on one: configured models are routable
 * when it returns, discovery and pin checks of the new config run in the background
 * ({@link ModelCatalog#refresh()}, {@code afterApply}). Thread-safe (reloads are serialised).
 */
public final class ConfigReloader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    /** What a reload did, the message shown for it, and the sections that need a restart to take effect. */
    public record Outcome(ReloadResult result, String message, List<String> restartNeeded) {}

    private final ConfigSource source;
    private final AtomicReference<PalisadeConfig> current;
    private final ModelCatalog catalog;
    private final BackendFactory backends;
    private final AuditTrail audit;
    private final LifecycleMetrics metrics;
    private final Runnable afterApply;
    private byte[] lastFileDigest;

    /**
     * {@code afterApply} runs after a config was applied (e.g. have the pins of new deployments
     * verified); it must not wait on a backend.
     */
    public ConfigReloader(
            ConfigSource source,
            AtomicReference<PalisadeConfig> current,
            ModelCatalog catalog,
            BackendFactory backends,
            AuditTrail audit,
            LifecycleMetrics metrics,
            Runnable afterApply) {
        this.source = source;
        this.current = current;
        this.catalog = catalog;
        this.backends = backends;
        this.audit = audit;
        this.metrics = metrics;
        this.afterApply = afterApply;
        this.lastFileDigest = digest(source.file());
    }

    /** Reloads now. {@code trigger}: file, signal or api; {@code actor}: who asked (for the log and audit). */
    public synchronized Outcome reload(String trigger, String actor) {
        if (source.file() == null) {
            return finish(
                    trigger,
                    actor,
                    new Outcome(
                            ReloadResult.REJECTED,
                            "this gateway was started without a config file; nothing to reload",
                            List.of()));
        }
        lastFileDigest = digest(source.file());
        PalisadeConfig next;
        try {
            next = source.load();
        } catch (ConfigException e) {
            return finish(
                    trigger,
                    actor,
                    new Outcome(
                            ReloadResult.REJECTED,
                            "the new config is invalid, the running one stays: " + e.getMessage(),
                            List.of()));
        } catch (RuntimeException e) {
            LOG.error("config reload failed", e);
            return finish(
                    trigger,
                    actor,
                    new Outcome(
                            ReloadResult.REJECTED,
                            "the new config could not be loaded, the running one stays",
                            List.of()));
        }
        PalisadeConfig previous = current.get();
        List<String> restartNeeded = restartNeeded(previous, next);
        PalisadeConfig applied = keepProcessSettings(previous, next);
        if (applied.equals(previous)) {
            return finish(trigger, actor, new Outcome(ReloadResult.UNCHANGED, "no routing change", restartNeeded));
        }
        java.util.Map<String, Backend> clients =
                backends.build(applied.backends(), previous.backends(), catalog.backends());
        current.set(applied);
        catalog.reconfigure(new ModelCatalog.Sources(applied.models(), applied.backends(), clients));
        catalog.refresh();
        afterApply.run();
        return finish(
                trigger,
                actor,
                new Outcome(
                        ReloadResult.APPLIED,
                        "applied: " + applied.backends().size() + " backends, "
                                + applied.models().size() + " configured models",
                        restartNeeded));
    }

    /** Reloads when the file's content changed since the last load (called every couple of seconds). */
    public void reloadIfFileChanged() {
        Path file = source.file();
        if (file == null) {
            return;
        }
        byte[] now = digest(file);
        if (now != null && !Arrays.equals(now, lastFileDigest)) {
            reload("file", "palisade");
        }
    }

    private Outcome finish(String trigger, String actor, Outcome outcome) {
        metrics.reloaded(outcome.result());
        if (outcome.result() == ReloadResult.REJECTED) {
            LOG.error("config reload ({}) rejected: {}", trigger, outcome.message());
        } else {
            LOG.info("config reload ({}): {}", trigger, outcome.message());
        }
        if (!outcome.restartNeeded().isEmpty()) {
            LOG.warn(
                    "config sections changed that take effect only after a restart: {}",
                    String.join(", ", outcome.restartNeeded()));
        }
        if (outcome.result() != ReloadResult.UNCHANGED) {
            ObjectNode details = JsonNodeFactory.instance
                    .objectNode()
                    .put("trigger", trigger)
                    .put("requested_by", actor)
                    .put("result", outcome.result().label())
                    .put("message", outcome.message());
            outcome.restartNeeded().forEach(details.withArray("restart_needed")::add);
            audit.system(
                    "config.reload", source.file() == null ? "-" : source.file().toString(), details);
        }
        return outcome;
    }

    static List<String> restartNeeded(PalisadeConfig before, PalisadeConfig after) {
        List<String> changed = new ArrayList<>();
        add(changed, "server", before.server(), after.server());
        add(changed, "store", before.storeUrl(), after.storeUrl());
        add(changed, "audit", before.audit(), after.audit());
        add(changed, "limits", before.limits(), after.limits());
        add(changed, "admin", before.adminKey(), after.adminKey());
        add(changed, "logging", before.logging(), after.logging());
        add(changed, "discovery", before.discoveryInterval(), after.discoveryInterval());
        add(changed, "metrics/health/tracing", before.observability(), after.observability());
        if (before.routing().watchConfig() != after.routing().watchConfig()
                || !before.routing().verifyInterval().equals(after.routing().verifyInterval())) {
            changed.add("routing.reload.watch / routing.pins.verify_interval");
        }
        return changed;
    }

    private static void add(List<String> changed, String section, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(section);
        }
    }

    /** The new routing parts with the running process settings. */
    private static PalisadeConfig keepProcessSettings(PalisadeConfig previous, PalisadeConfig next) {
        return new PalisadeConfig(
                previous.server(),
                previous.storeUrl(),
                next.backends(),
                next.models(),
                previous.audit(),
                previous.limits(),
                previous.adminKey(),
                previous.logging(),
                previous.discoveryInterval(),
                previous.observability(),
                next.routing(),
                next.smokeEval());
    }

    private static byte[] digest(Path file) {
        if (file == null) {
            return null;
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
